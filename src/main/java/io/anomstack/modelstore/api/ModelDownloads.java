package io.anomstack.modelstore.api;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a model version to the response as a stream, straight from S3. The descriptor answers
 * {@code HEAD} and a matching {@code If-None-Match} without reading the model at all.
 */
@Component
class ModelDownloads {

    static final String VERSION_HEADER = "X-Model-Version";
    static final String SHA256_HEADER = "X-Model-Sha256";

    private final ModelCatalog catalog;

    ModelDownloads(ModelCatalog catalog) {
        this.catalog = catalog;
    }

    void send(ModelDescriptor version, HttpServletRequest request, HttpServletResponse response) throws IOException {
        String eTag = eTagOf(version);
        if (matches(request.getHeader(HttpHeaders.IF_NONE_MATCH), eTag)) {
            writeValidators(version, eTag, response);
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        if ("HEAD".equals(request.getMethod())) {
            writeHeaders(version, eTag, response);
            return;
        }
        // Open the model before writing any of its headers: when S3 fails here, the problem detail that answers
        // instead must not carry the model's ETag, version or Content-Length.
        try (ModelContent content = catalog.open(version)) {
            writeHeaders(version, eTag, response);
            try {
                OutputStream out = response.getOutputStream();
                content.body().transferTo(out);
                out.flush();
            } catch (IOException | RuntimeException e) {
                if (!response.isCommitted()) {
                    // Nothing was sent yet: drop the model's headers so that the error is answered cleanly.
                    response.reset();
                }
                throw e;
            }
        }
    }

    private static void writeValidators(ModelDescriptor version, String eTag, HttpServletResponse response) {
        response.setHeader(HttpHeaders.ETAG, eTag);
        response.setHeader(VERSION_HEADER, version.version());
        response.setHeader(SHA256_HEADER, version.sha256());
        response.setDateHeader(HttpHeaders.LAST_MODIFIED, version.createdAt().toEpochMilli());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    private static void writeHeaders(ModelDescriptor version, String eTag, HttpServletResponse response) {
        writeValidators(version, eTag, response);
        response.setContentType(MediaType.APPLICATION_OCTET_STREAM_VALUE);
        response.setContentLengthLong(version.sizeBytes());
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileNameOf(version) + "\"");
    }

    /** A strong validator: the bytes of a version never change, and its SHA-256 names them. */
    static String eTagOf(ModelDescriptor version) {
        return "\"" + version.sha256() + "\"";
    }

    private static boolean matches(String ifNoneMatch, String eTag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String value = candidate.trim();
            if (value.equals("*") || value.equals(eTag) || value.equals("W/" + eTag)) {
                return true;
            }
        }
        return false;
    }

    private static String fileNameOf(ModelDescriptor version) {
        return version.key().substring(version.key().lastIndexOf('/') + 1);
    }
}
