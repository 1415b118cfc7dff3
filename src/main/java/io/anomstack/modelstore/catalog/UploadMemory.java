package io.anomstack.modelstore.catalog;

/**
 * The heap the store may give to uploads, and what one upload holds of it. Only the store knows how it buffers a body,
 * so admission asks here instead of repeating the store's rules, and reserves before a byte of the body is read.
 */
public interface UploadMemory {

    /** Bytes all uploads of this instance may hold at once. */
    long budget();

    /**
     * The most heap the store holds while it receives one upload.
     *
     * @param declaredLength the model body's announced length, or -1 when unknown (a chunked body, a form's file part)
     */
    long heldBy(long declaredLength);
}
