package io.anomstack.modelstore.web;

import io.anomstack.modelstore.catalog.InvalidNameException;
import io.anomstack.modelstore.catalog.ModelRef;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerMapping;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The model a handler's {@link ModelRef} parameter gets: path variables, and the tag as its handler reads it. */
class ModelRefArgumentResolverTest {

    private final ModelRefArgumentResolver resolver = new ModelRefArgumentResolver();

    @Test
    void aModelIsItsPathVariablesAndTheTagParameter() throws Exception {
        MockHttpServletRequest request = request("GET", "tag=pca_default");
        request.addParameter("tag", "pca_default");
        assertThat(resolve("latestMetadata", request)).isEqualTo(new ModelRef("my_batch", "cpu_usage", "pca_default"));
        assertThat(resolve("latestMetadata", request("GET", null))).isEqualTo(ModelRef.of("my_batch", "cpu_usage"));
    }

    @Test
    void anUploadReadsItsTagFromTheQueryStringAloneNeverFromAFormBody() throws Exception {
        MockHttpServletRequest request = request("POST", "tag=pca%5Fdefault");
        request.addParameter("tag", "from_the_body");
        assertThat(resolve("upload", request)).isEqualTo(new ModelRef("my_batch", "cpu_usage", "pca_default"));
        MockHttpServletRequest untagged = request("POST", null);
        untagged.addParameter("tag", "from_the_body");
        assertThat(resolve("upload", untagged)).isEqualTo(ModelRef.of("my_batch", "cpu_usage"));
    }

    @Test
    void otherHandlersReadTheTagAsARequestParameterWould() throws Exception {
        MockHttpServletRequest request = request("POST", null);
        request.addParameter("tag", "from_the_body");
        assertThat(resolve("prune", request).tag()).isEqualTo("from_the_body");
        MockHttpServletRequest empty = request("GET", "tag=");
        empty.addParameter("tag", "");
        assertThatThrownBy(() -> resolve("latestMetadata", empty)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void anInvalidNameIsRefusedBeforeTheHandlerRuns() throws Exception {
        MockHttpServletRequest request = request("GET", null);
        request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("batch", "..", "metric", "cpu_usage"));
        assertThatThrownBy(() -> resolve("latestMetadata", request)).isInstanceOf(InvalidNameException.class);
    }

    private static MockHttpServletRequest request(String method, String query) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/api/v1/models/my_batch/cpu_usage");
        request.setQueryString(query);
        request.setAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE, Map.of("batch", "my_batch", "metric", "cpu_usage"));
        return request;
    }

    private ModelRef resolve(String handler, HttpServletRequest request) throws Exception {
        MethodParameter parameter = modelParameter(handler);
        assertThat(resolver.supportsParameter(parameter)).isTrue();
        return resolver.resolveArgument(parameter, null, new ServletWebRequest(request), null);
    }

    private static MethodParameter modelParameter(String name) {
        for (var method : ModelController.class.getDeclaredMethods()) {
            if (method.getName().equals(name) && !method.isBridge()) {
                for (MethodParameter parameter : new HandlerMethod(new ModelController(null, null, null, null, null), method).getMethodParameters()) {
                    if (parameter.getParameterType() == ModelRef.class) {
                        return parameter;
                    }
                }
            }
        }
        throw new IllegalArgumentException(name);
    }
}
