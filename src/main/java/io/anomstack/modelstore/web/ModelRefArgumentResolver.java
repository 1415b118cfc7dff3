package io.anomstack.modelstore.web;

import io.anomstack.modelstore.catalog.ModelRef;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.UriComponentsBuilder;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Gives a handler's {@link ModelRef} parameter the model its request names: the {@code {batch}} and {@code {metric}}
 * path variables and the optional {@code tag} query parameter, read as {@code @PathVariable} and
 * {@code @RequestParam(required = false)} would read them. {@link ModelRef} validates the names, so an invalid one is
 * answered 400 before the handler runs.
 */
final class ModelRefArgumentResolver implements HandlerMethodArgumentResolver {

    static final String TAG = "tag";

    /**
     * On the {@link ModelRef} of a handler whose request body is the model: its tag is read from the query string
     * alone, since the container would read a form-encoded body (what {@code curl --data-binary} announces) for
     * request parameters, and so consume the model.
     */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    @interface TagFromQueryString {
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == ModelRef.class;
    }

    @Override
    public ModelRef resolveArgument(MethodParameter parameter, @Nullable ModelAndViewContainer container,
                                    NativeWebRequest request, @Nullable WebDataBinderFactory binders) {
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(
                HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
        String tag = parameter.hasParameterAnnotation(TagFromQueryString.class)
                ? fromQueryString(request.getNativeRequest(HttpServletRequest.class), TAG)
                : requestParameter(request, TAG);
        return new ModelRef(variables.get("batch"), variables.get("metric"), tag);
    }

    /** A request parameter as {@code @RequestParam String} converts it: several values joined with commas. */
    private static @Nullable String requestParameter(NativeWebRequest request, String name) {
        String[] values = request.getParameterValues(name);
        if (values == null) {
            return null;
        }
        return values.length == 1 ? values[0] : String.join(",", values);
    }

    /** A query parameter read from the query string alone, without the container's parameter parsing. */
    private static @Nullable String fromQueryString(@Nullable HttpServletRequest request, String name) {
        String query = request == null ? null : request.getQueryString();
        if (query == null) {
            return null;
        }
        String value = UriComponentsBuilder.newInstance().query(query).build().getQueryParams().getFirst(name);
        return value == null ? null : URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
