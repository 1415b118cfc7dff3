package io.anomstack.modelstore.s3api;

/** A GET's single byte range ({@code bytes=a-b}, {@code bytes=a-}, {@code bytes=-n}) resolved against a size. */
final class ByteRanges {

    private ByteRanges() {
    }

    /**
     * @return the first and last byte, inclusive
     * @throws software.amazon.awssdk.services.s3.model.S3Exception InvalidRange when no byte of it exists
     */
    static long[] resolve(String header, long size) {
        String spec = header.substring("bytes=".length());
        int dash = spec.indexOf('-');
        String from = spec.substring(0, dash);
        String to = spec.substring(dash + 1);
        long first;
        long last;
        if (from.isEmpty()) {
            long suffix = Long.parseLong(to);
            if (suffix == 0 || size == 0) {
                throw S3Answers.invalidRange();
            }
            first = Math.max(0, size - suffix);
            last = size - 1;
        } else {
            first = Long.parseLong(from);
            last = to.isEmpty() ? size - 1 : Math.min(Long.parseLong(to), size - 1);
        }
        if (first >= size) {
            throw S3Answers.invalidRange();
        }
        return new long[] {first, last};
    }
}
