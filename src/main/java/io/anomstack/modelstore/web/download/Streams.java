package io.anomstack.modelstore.web.download;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies model bytes to a response in large blocks: InputStream.transferTo's 8 KiB costs a write per 8 KiB. A model the
 * service holds in memory, or a range read ahead, goes out in one write from its own array, without allocating and
 * zeroing a copy buffer on every request.
 */
final class Streams {

    static final int COPY_BUFFER = 256 * 1024;

    private Streams() {
    }

    static long copy(InputStream in, OutputStream out) throws IOException {
        if (in instanceof ByteArrayInputStream || in instanceof RangePrefetcher.Ranges) {
            return in.transferTo(out);
        }
        byte[] buffer = new byte[COPY_BUFFER];
        long total = 0;
        int n;
        while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
            out.write(buffer, 0, n);
            total += n;
        }
        return total;
    }
}
