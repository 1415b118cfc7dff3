package io.anomstack.modelstore.web.upload;

import io.anomstack.modelstore.config.ModelStoreProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.concurrent.Semaphore;

/**
 * Bounds the uploads this instance receives at once. Each one holds part buffers, S3 connections and a request thread
 * for as long as its body takes, so a burst of trainers must not exhaust the heap: beyond the limit an upload is
 * answered 429 with {@code Retry-After} before its body is read.
 */
@Configuration(proxyBeanMethods = false)
class UploadAdmission implements WebMvcConfigurer {

    private static final String HOLDS_SLOT = UploadAdmission.class.getName() + ".holds";

    private final Semaphore slots;
    private final int limit;

    UploadAdmission(ModelStoreProperties properties) {
        this.limit = properties.maxConcurrentUploads();
        this.slots = new Semaphore(limit);
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
                if (!"POST".equals(request.getMethod())) {
                    return true;
                }
                if (!slots.tryAcquire()) {
                    throw new TooManyUploadsException(limit);
                }
                request.setAttribute(HOLDS_SLOT, Boolean.TRUE);
                return true;
            }

            @Override
            public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
                                        Exception failure) {
                if (request.getAttribute(HOLDS_SLOT) != null) {
                    request.removeAttribute(HOLDS_SLOT);
                    slots.release();
                }
            }
        }).addPathPatterns("/api/v1/models/*/*");
    }
}
