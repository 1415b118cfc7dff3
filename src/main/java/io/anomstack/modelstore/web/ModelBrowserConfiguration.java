package io.anomstack.modelstore.web;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The model browser for operators: a static page ({@code static/ui/} in the jar: HTML, CSS and JavaScript, nothing
 * from the internet) over the JSON API. The service's root leads to it; {@code /ui} gets its trailing slash so that
 * the page's relative asset links resolve.
 */
@Configuration(proxyBeanMethods = false)
class ModelBrowserConfiguration implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/", "/ui/");
        registry.addRedirectViewController("/ui", "/ui/");
        registry.addViewController("/ui/").setViewName("forward:/ui/index.html");
    }
}
