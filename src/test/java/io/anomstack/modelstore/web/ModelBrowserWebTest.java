package io.anomstack.modelstore.web;

import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.MvcResult;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.forwardedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The model browser's routes and page in the web layer: the root and {@code /ui} lead to {@code /ui/}, which is the
 * page from the jar; the page is labelled and structured for assistive technology, and every file it loads, directly
 * or through a module import, is there. ModelBrowserIT covers the security headers, the packaged browser test the
 * page at work.
 */
class ModelBrowserWebTest extends ModelControllerWebTest {

    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"([a-z]+\\.(?:js|css))\"");
    private static final Pattern IMPORT = Pattern.compile("from '\\./([a-z]+\\.js)'");

    @Test
    void theRootRedirectsToThePage() throws Exception {
        mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrl("/ui/"));
    }

    @Test
    void theBarePathGetsItsTrailingSlashSoThatRelativeAssetsResolve() throws Exception {
        mvc.perform(get("/ui")).andExpect(status().isFound()).andExpect(redirectedUrl("/ui/"));
    }

    @Test
    void thePageIsTheBundledIndex() throws Exception {
        mvc.perform(get("/ui/")).andExpect(status().isOk()).andExpect(forwardedUrl("/ui/index.html"));
    }

    @Test
    void thePageIsLabelledForAssistiveTechnology() throws Exception {
        mvc.perform(get("/ui/index.html"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("<html lang=\"en\">")))
                .andExpect(content().string(containsString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")))
                .andExpect(content().string(containsString("<label for=\"key-input\">API key</label>")))
                .andExpect(content().string(containsString("<main id=\"main\"")))
                .andExpect(content().string(containsString("<nav aria-label=\"Breadcrumb\"")))
                .andExpect(content().string(containsString("role=\"status\" aria-live=\"polite\"")))
                .andExpect(content().string(containsString("<dialog id=\"confirm\" aria-labelledby=\"confirm-title\"")))
                .andExpect(content().string(containsString("class=\"skip-link\" href=\"#main\"")));
    }

    @Test
    void thePageHoldsNoInlineScriptOrStyle() throws Exception {
        String page = body("/ui/index.html");

        assertThat(page).doesNotContainPattern("<script(?![^>]*\\bsrc=)").doesNotContain("<style", " style=", " onclick=");
    }

    @Test
    void everyFileThePageLoadsIsInTheJar() throws Exception {
        List<String> pending = new ArrayList<>(matches(ASSET, body("/ui/index.html")));
        List<String> served = new ArrayList<>();
        while (!pending.isEmpty()) {
            String asset = pending.remove(0);
            if (served.contains(asset)) {
                continue;
            }
            String text = body("/ui/" + asset);
            served.add(asset);
            pending.addAll(matches(IMPORT, text));
        }
        assertThat(served).containsExactlyInAnyOrder("app.js", "ui.css", "api.js", "dom.js", "views.js", "model.js",
                "actions.js", "plot.js");
    }

    private String body(String path) throws Exception {
        MvcResult result = mvc.perform(get(path)).andExpect(status().isOk()).andReturn();
        return result.getResponse().getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<String> matches(Pattern pattern, String text) {
        List<String> found = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            found.add(matcher.group(1));
        }
        return found;
    }
}
