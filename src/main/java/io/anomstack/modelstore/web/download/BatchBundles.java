package io.anomstack.modelstore.web.download;

import io.anomstack.modelstore.catalog.ModelCatalog;
import io.anomstack.modelstore.catalog.ModelContent;
import io.anomstack.modelstore.catalog.ModelDescriptor;
import io.anomstack.modelstore.catalog.ModelSummary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.io.ByteArrayInputStream;

/**
 * The latest version of every model of a batch as one streamed tar archive: {@code manifest.json} first, then
 * each model's original bytes at {@code {metric}[/{tag}]/model_{version}.{ext}}. Anomstack scores a whole batch
 * at once; this is one request instead of one per model, and 304 when nothing in the batch changed.
 */
@Component
public class BatchBundles {

    static final String MANIFEST = "manifest.json";
    public static final String TAR = "application/x-tar";

    private final ModelCatalog catalog;
    private final JsonMapper json;

    BatchBundles(ModelCatalog catalog, JsonMapper json) {
        this.catalog = catalog;
        this.json = json;
    }

    /** One model in the manifest. */
    record Entry(String metric, String tag, String version, String sha256, long sizeBytes, String path) {
    }

    public void send(String batch, HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<ModelSummary> models = catalog.models(batch);
        String eTag = eTagOf(models);
        response.setHeader(HttpHeaders.ETAG, eTag);
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.contains(eTag) || ifNoneMatch.trim().equals("*"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setContentType(TAR);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + batch + ".tar\"");
        if ("HEAD".equals(request.getMethod())) {
            return;
        }
        List<Entry> entries = models.stream().map(BatchBundles::entryOf).toList();
        OutputStream out = response.getOutputStream();
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        byte[] manifest = manifest(batch, eTag, entries);
        put(tar, MANIFEST, manifest.length, new ByteArrayInputStream(manifest));
        for (int i = 0; i < models.size(); i++) {
            ModelDescriptor latest = models.get(i).latest();
            try (ModelContent content = catalog.openOriginal(latest)) {
                put(tar, entries.get(i).path(), latest.sizeBytes(), content.body());
            }
        }
        tar.finish();
        out.flush();
    }

    /** Changes whenever any model of the batch gets a new latest version, or a model comes or goes. */
    static String eTagOf(List<ModelSummary> models) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (ModelSummary model : models) {
                digest.update((model.metric() + '\0' + model.tag() + '\0' + model.latest().version() + '\0'
                        + model.latest().sha256() + '\n').getBytes(StandardCharsets.UTF_8));
            }
            return "\"bundle-" + HexFormat.of().formatHex(digest.digest()) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java platform has SHA-256", e);
        }
    }

    private static Entry entryOf(ModelSummary model) {
        ModelDescriptor latest = model.latest();
        String file = latest.key().substring(latest.key().lastIndexOf('/') + 1);
        String path = model.metric() + "/" + (model.tag() == null ? "" : model.tag() + "/") + file;
        return new Entry(model.metric(), model.tag(), latest.version(), latest.sha256(), latest.sizeBytes(), path);
    }

    private byte[] manifest(String batch, String eTag, List<Entry> entries) {
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("batch", batch);
        manifest.put("etag", eTag);
        manifest.put("models", entries.stream().map(entry -> {
            Map<String, Object> model = new LinkedHashMap<>();
            model.put("metric", entry.metric());
            model.put("tag", entry.tag());
            model.put("version", entry.version());
            model.put("sha256", entry.sha256());
            model.put("size_bytes", entry.sizeBytes());
            model.put("path", entry.path());
            return model;
        }).toList());
        return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest);
    }

    private static void put(TarArchiveOutputStream tar, String path, long size, InputStream body) throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(path);
        entry.setSize(size);
        tar.putArchiveEntry(entry);
        Streams.copy(body, tar);
        tar.closeArchiveEntry();
    }
}
