package io.anomstack.modelstore.web.problem;

import io.anomstack.modelstore.problem.ProblemType;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Notes the {@link ProblemType} of every problem detail Spring MVC writes for the error meter (none for Spring MVC's
 * own), so that the classification stays where the problems are made ({@link ProblemDetailsAdvice},
 * {@link ProblemErrorPages}).
 */
@RestControllerAdvice
class ProblemTypeRecorder implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        if (body instanceof ProblemDetail problem && request instanceof ServletServerHttpRequest servlet) {
            // Spring MVC's own problems (about:blank) are none of the service's types: null removes what was noted.
            servlet.getServletRequest().setAttribute(ProblemType.REQUEST_ATTRIBUTE, ProblemType.ofUri(problem.getType()));
        }
        return body;
    }
}
