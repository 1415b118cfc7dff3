package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.problem.ProblemType;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Tomcat's own error answers (a request line it cannot parse, an encoded slash or NUL in the path, headers over the
 * size limit) as problem+json instead of Tomcat's HTML page, which also names the server's version. These requests
 * never reach Spring, so this valve is the only place to answer them like every other error.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable failure) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        boolean clientError = status < 500 || status == 501 || status == 505;
        ProblemType type = clientError ? ProblemType.MALFORMED_REQUEST : ProblemType.INTERNAL_ERROR;
        String detail = clientError
                ? "The request could not be read: its request line, path, headers or framing are malformed, not supported "
                + "or over the size limits (paths may not contain encoded slashes, backslashes or control characters; "
                + "headers are limited to 80 KB; HTTP/1.1 with Content-Length or chunked bodies only)."
                : "The service failed unexpectedly; nothing was changed by this request. Retry, and report it if it persists.";
        String body = "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The connection is already gone: there is nobody left to answer.
        }
    }
}
