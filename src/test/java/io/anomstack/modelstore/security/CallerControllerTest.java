package io.anomstack.modelstore.security;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code GET /api/v1/me} says about each kind of caller (ModelBrowserIT asks it through the service). */
class CallerControllerTest {

    private final CallerController controller = new CallerController();

    @Test
    void aKeyIsNamedWithItsRoleAndPatterns() {
        assertThat(controller.me(new Caller("scorer", Role.READER, List.of("prod_*"))))
                .isEqualTo(new CallerController.Me("scorer", "reader", List.of("prod_*"), false));
    }

    @Test
    void anAnonymousCallerOfLocalModeIsAnAdminOfEveryBatch() {
        assertThat(controller.me(Caller.anonymous()))
                .isEqualTo(new CallerController.Me("anonymous", "admin", List.of("*"), true));
    }

    @Test
    void aTokenWithoutTheScopesHasNoRole() {
        assertThat(controller.me(new Caller("jwt:someone", null, List.of("*"))).role()).isEqualTo("none");
    }
}
