package io.gearbox.asr.web;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Without {@code asr.admin.token} the PUT is disabled (403 {@code admin_disabled}); the GET still answers. */
@WebFluxTest(controllers = GovernorController.class,
        excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = AdmissionFilter.class))
@Import({ WebSliceConfiguration.class, GovernorControllerTests.GovernorSlice.class })
class GovernorControllerWithoutTokenTests {

    @Autowired
    private WebTestClient client;

    @Test
    void putIsForbiddenWhateverTheCredentials() {
        for (String authorization : new String[] { null, "Bearer ", "Bearer anything" }) {
            WebTestClient.RequestBodySpec request = this.client.put().uri("/v1/governor")
                .contentType(MediaType.APPLICATION_JSON);
            if (authorization != null) {
                request.header(HttpHeaders.AUTHORIZATION, authorization);
            }
            request.bodyValue("{\"mode\":\"auto\"}").exchange()
                .expectStatus().isForbidden()
                .expectBody().jsonPath("$.code").isEqualTo("admin_disabled");
        }
    }

    @Test
    void getStillAnswers() {
        this.client.get().uri("/v1/governor").exchange().expectStatus().isOk()
            .expectBody().jsonPath("$.depth").isEqualTo(6);
    }

}
