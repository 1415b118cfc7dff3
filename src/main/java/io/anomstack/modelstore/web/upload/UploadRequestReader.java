package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.catalog.InvalidRequestException;
import io.anomstack.modelstore.catalog.ModelRef;
import io.anomstack.modelstore.catalog.ModelUpload;
import io.anomstack.modelstore.catalog.UploadInterruptedException;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.commons.fileupload2.core.FileItemInput;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadException;
import org.apache.commons.fileupload2.jakarta.servlet6.JakartaServletFileUpload;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Turns an upload request into a {@link ModelUpload} whose body is the request's own stream: a raw body
 * ({@code application/octet-stream}, metadata in {@code X-Model-Metadata}) or a {@code multipart/form-data}
 * form with a {@code file} part and an optional {@code metadata} part, before or after the file. The form
 * is parsed as a stream, so the file is never buffered by the container.
 */
@Component
public class UploadRequestReader {

    public static final String METADATA_HEADER = "X-Model-Metadata";
    static final String FILE_PART = "file";
    static final String METADATA_PART = "metadata";

    private final MetadataParser metadataParser;

    UploadRequestReader(MetadataParser metadataParser) {
        this.metadataParser = metadataParser;
    }

    /**
     * Reads the upload's headers, and for a form the parts before the file: the upload's body is the request stream,
     * still open, which the catalog reads while it stores the model.
     *
     * @param idempotencyKey the request's Idempotency-Key
     * @param stoppable      what the model's body stream passes through ({@link UploadDrain})
     */
    ModelUpload read(HttpServletRequest request, ModelRef model, @Nullable String idempotencyKey,
                     UnaryOperator<InputStream> stoppable) {
        if (JakartaServletFileUpload.isMultipartContent(request)) {
            return readForm(request, stoppable, model, idempotencyKey);
        }
        Map<String, Object> metadata = metadataParser.parse(request.getHeader(METADATA_HEADER), METADATA_HEADER + " header");
        String contentType = rawContentType(request.getContentType());
        try {
            return new ModelUpload(model, fileNameOf(request.getHeader(HttpHeaders.CONTENT_DISPOSITION)),
                    contentType, declaredLength(request), stoppable.apply(request.getInputStream()),
                    DigestHeaders.expectedSha256(request, true), () -> metadata, idempotencyKey);
        } catch (IOException e) {
            throw new UploadInterruptedException("The upload could not be read: " + e.getMessage(), e);
        }
    }

    /** The model body's announced length: a raw body's Content-Length; -1 for a form's file part or a chunked body. */
    static long declaredLength(HttpServletRequest request) {
        return JakartaServletFileUpload.isMultipartContent(request) ? -1 : request.getContentLengthLong();
    }

    private ModelUpload readForm(HttpServletRequest request, UnaryOperator<InputStream> stoppable, ModelRef model,
                                 @Nullable String idempotencyKey) {
        try {
            String expectedSha256 = DigestHeaders.expectedSha256(request, false);
            FileItemInputIterator parts = new JakartaServletFileUpload<>().getItemIterator(request);
            String metadataJson = null;
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                if (METADATA_PART.equals(part.getFieldName())) {
                    metadataJson = readText(part);
                } else if (FILE_PART.equals(part.getFieldName()) && !part.isFormField()) {
                    String contentType = part.getContentType() == null ? MediaType.APPLICATION_OCTET_STREAM_VALUE : part.getContentType();
                    String metadataBeforeFile = metadataJson;
                    return new ModelUpload(model, plainFileName(part.getName()), contentType, -1,
                            stoppable.apply(part.getInputStream()), expectedSha256,
                            () -> metadataParser.parse(restOfForm(parts, metadataBeforeFile), "metadata part"),
                            idempotencyKey);
                }
            }
        } catch (FileUploadException e) {
            throw new InvalidRequestException("The multipart form could not be parsed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UploadInterruptedException("The upload could not be read: " + e.getMessage(), e);
        }
        throw new InvalidRequestException("The multipart form has no 'file' part; send the model as a file field named 'file'.");
    }

    /**
     * Reads the parts after the file, once the file is stored and before the version is committed: the metadata may
     * come there; a second file or a second metadata part makes the form ambiguous, and the upload is refused.
     */
    private static @Nullable String restOfForm(FileItemInputIterator parts, @Nullable String metadataBeforeFile) {
        try {
            String metadata = metadataBeforeFile;
            while (parts.hasNext()) {
                FileItemInput part = parts.next();
                if (FILE_PART.equals(part.getFieldName())) {
                    throw new InvalidRequestException("The form has more than one 'file' part; upload one model per request.");
                }
                if (METADATA_PART.equals(part.getFieldName())) {
                    if (metadata != null) {
                        throw new InvalidRequestException("The form has more than one 'metadata' part; send one JSON object.");
                    }
                    metadata = readText(part);
                }
            }
            return metadata;
        } catch (FileUploadException e) {
            throw new InvalidRequestException("The multipart form could not be parsed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UploadInterruptedException("The upload could not be read: " + e.getMessage(), e);
        }
    }

    private static String readText(FileItemInput part) throws IOException {
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(MetadataParser.MAX_BYTES + 1);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** The model's media type: what the client sent, except a form encoding, which a model body never is. */
    private static String rawContentType(@Nullable String contentType) {
        if (contentType == null || contentType.startsWith(MediaType.APPLICATION_FORM_URLENCODED_VALUE)) {
            return MediaType.APPLICATION_OCTET_STREAM_VALUE;
        }
        return contentType;
    }

    /**
     * The uploader's file name, which only lends the stored object its extension. A path in it (slashes, backslashes,
     * dots) is no file name a client means to send, so it is refused rather than trimmed.
     */
    private static @Nullable String plainFileName(@Nullable String fileName) {
        if (fileName != null && (fileName.contains("/") || fileName.contains("\\") || fileName.contains("..")
                || fileName.length() > 255 || fileName.chars().anyMatch(Character::isISOControl))) {
            throw new InvalidRequestException("The file name must be a plain name such as model.pkl, without folders, "
                    + "'..' or control characters, and at most 255 characters.");
        }
        return fileName;
    }

    private static @Nullable String fileNameOf(@Nullable String contentDisposition) {
        if (contentDisposition == null || contentDisposition.isBlank()) {
            return null;
        }
        try {
            return plainFileName(ContentDisposition.parse(contentDisposition).getFilename());
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("The Content-Disposition header is malformed: " + e.getMessage()
                    + ". Send it as: attachment; filename=\"model.pkl\".");
        }
    }
}
