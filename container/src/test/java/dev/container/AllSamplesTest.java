package dev.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.container.testing.FacesPage;
import dev.container.testing.Samples;
import dev.container.testing.TestServer;
import dev.container.testing.WebSocketClient;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every sample app in one server, as the README's demo runs them: the servlet sample, Jersey,
 * Spring MVC, Spring Boot and Jakarta Faces with CDI, with the static site at the root. Each
 * framework is asked for an answer only it can give (JSON through its own Jackson setup, a
 * rendered view, a Faces form posted back with its view state), and each app shows it runs in a
 * class loader and context of its own.
 */
class AllSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path state;
    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start(state, p -> p
                .war(Samples.servletWar().toString())
                .war(Samples.jaxrsWar().toString())
                .war(Samples.springWar().toString())
                .war(Samples.bootWar().toString())
                .war(Samples.facesWar().toString())
                .staticDir(Samples.site().toString(), false)
                .users(Samples.users()));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void jersey_answers_json_written_by_jackson() {
        var response = server.get("/jaxrs/api/greeting?name=container");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        JsonNode greeting = json(response);
        assertThat(greeting.path("message").asText()).isEqualTo("Hello, container!");
        assertThat(greeting.path("framework").asText()).isEqualTo("jersey");
    }

    @Test
    void jersey_reads_a_json_request_body_with_jackson() {
        var response = server.send(HttpRequest.newBuilder(server.uri("/jaxrs/api/greeting"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"posted\"}")).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response).path("message").asText()).isEqualTo("Hello, posted!");
    }

    @Test
    void spring_mvc_renders_its_thymeleaf_view() {
        var response = server.get("/spring/hello?name=container");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("text/html"));
        assertThat(response.body())
                .contains("<h1>Hello, container!</h1>")
                .contains("<span id=\"framework\">spring-mvc</span>")
                .doesNotContain("th:text")
                .doesNotContain("Hello, template!");
    }

    @Test
    void spring_rest_controller_answers_json() {
        var response = server.get("/spring/api/info");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode info = json(response);
        assertThat(info.path("framework").asText()).isEqualTo("spring-mvc");
        assertThat(info.path("springVersion").asText()).startsWith("6.");
    }

    @Test
    void spring_boot_answers_json_configured_by_its_application_properties() {
        var response = server.get("/boot/api/status");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode status = json(response);
        assertThat(status.path("framework").asText()).isEqualTo("spring-boot");
        // snake_case keys: Boot applied spring.jackson.property-naming-strategy to its ObjectMapper
        assertThat(status.path("boot_version").asText()).startsWith("3.");
        assertThat(status.path("greeting").asText()).isEqualTo("Hello from Spring Boot in a WAR");
    }

    @Test
    void plain_servlet_sample_answers_beside_the_frameworks() {
        var response = server.get("/servlet/hello");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Hello from the servlet sample");
    }

    @Test
    void servlet_sample_renders_a_jsp_with_the_jstl_it_ships() {
        var response = server.get("/servlet/greeting.jsp?name=container");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("<h1>Hello, container!</h1>")
                .contains("<li class=\"framework\">1. jersey</li>")
                .doesNotContain("<c:forEach");
    }

    @Test
    void each_framework_app_runs_in_its_own_class_loader_at_its_own_context_path() {
        JsonNode jersey = json(server.get("/jaxrs/api/greeting"));
        JsonNode spring = json(server.get("/spring/api/info"));
        JsonNode boot = json(server.get("/boot/api/status"));
        JsonNode faces = json(server.get("/faces/api/visitor"));
        assertThat(jersey.path("classLoader").asText()).isEqualTo("app:jaxrs");
        assertThat(spring.path("classLoader").asText()).isEqualTo("app:spring");
        assertThat(boot.path("class_loader").asText()).isEqualTo("app:boot");
        assertThat(faces.path("classLoader").asText()).isEqualTo("app:faces");
        assertThat(jersey.path("contextPath").asText()).isEqualTo("/jaxrs");
        assertThat(spring.path("contextPath").asText()).isEqualTo("/spring");
        assertThat(boot.path("context_path").asText()).isEqualTo("/boot");
        assertThat(faces.path("contextPath").asText()).isEqualTo("/faces");
    }

    @Test
    void each_app_serves_its_own_welcome_page() {
        assertThat(server.get("/servlet/").body()).contains("<h1>servlet sample</h1>");
        assertThat(server.get("/jaxrs/").body()).contains("<h1>jaxrs sample</h1>");
        assertThat(server.get("/spring/").body()).contains("<h1>spring sample</h1>");
        assertThat(server.get("/boot/").body()).contains("<h1>boot sample</h1>");
        assertThat(server.get("/faces/").body()).contains("<h1>faces sample</h1>");
    }

    @Test
    void java_util_logging_stays_with_the_container_after_spring_boot_started() {
        // Boot bridges JUL into its own Logback when it finds JUL's default console handler alone.
        assertThat(java.util.logging.Logger.getLogger("").getHandlers())
                .singleElement()
                .isInstanceOf(JulToContainerLog.class);
    }

    @Test
    void static_site_is_served_at_the_root_beside_the_apps() {
        var response = server.get("/");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Static site served by container");
    }

    @Test
    void servlet_sample_echoes_over_a_websocket() throws Exception {
        assertThat(WebSocketClient.roundTrip(WebSocketClient.ws(server.uri("/servlet/ws/echo")), "ping over ws"))
                .isEqualTo("ping over ws");
    }

    @Test
    void servlet_sample_page_behind_a_form_login_needs_a_user_from_the_users_file() {
        assertThat(server.get("/servlet/account").body()).contains("j_security_check").doesNotContain("signed in as");
        String visitor = server.get("/servlet/account").headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        var login = server.send(HttpRequest.newBuilder(server.uri("/servlet/j_security_check"))
                .header("Cookie", visitor)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("j_username=alice&j_password=wonderland")).build());
        assertThat(login.statusCode()).isEqualTo(302);
        String signedIn = login.headers().firstValue("Set-Cookie").map(c -> c.split(";")[0]).orElse(visitor);
        var page = server.send(HttpRequest.newBuilder(server.uri("/servlet/account")).header("Cookie", signedIn).build());
        assertThat(page.body()).contains("signed in as alice, admin=true, auth=FORM");
    }

    @Test
    void servlet_sample_takes_a_multipart_upload() {
        String boundary = "----all-samples";
        String body = "--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"file\"; filename=\"notes.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n"
                + "twelve bytes\r\n"
                + "--" + boundary + "--\r\n";
        var response = server.send(HttpRequest.newBuilder(server.uri("/servlet/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("file notes.txt 12\n");
    }

    @Test
    void faces_renders_its_page_through_facelets_with_a_view_state_and_the_cdi_beans() {
        FacesPage page = FacesPage.open(server.client(), server.uri("/faces/"));
        assertThat(page.body())
                .contains("<form id=\"greeting\"")
                .contains("<input id=\"greeting:name\" type=\"text\" name=\"greeting:name\"")
                .contains("<span id=\"inView\">0</span>")
                .contains("<span id=\"classLoader\">app:faces</span>")
                .doesNotContain("#{")
                .doesNotContain("h:inputText");
        assertThat(page.viewState()).isNotBlank();
        assertThat(page.cookie()).as("the view-scoped bean lives in the session").startsWith("JSESSIONID=");
    }

    @Test
    void faces_form_posted_with_invalid_input_answers_its_validation_messages() {
        FacesPage page = FacesPage.open(server.client(), server.uri("/faces/"));

        var empty = page.submit("greeting", "greeting:greet", Map.of("greeting:name", ""));
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).contains("<span id=\"greeting:nameMessage\" class=\"error\">Please enter your name.</span>")
                .contains("<span id=\"inView\">0</span>");

        var tooShort = page.submit("greeting", "greeting:greet", Map.of("greeting:name", "A"));
        assertThat(tooShort.body()).contains("A name has 2 to 40 characters.")
                .contains("value=\"A\"") // the rejected input is shown again for correction
                .contains("<p id=\"message\"></p>");
    }

    @Test
    void faces_form_posted_with_valid_input_runs_the_action_of_its_view_scoped_bean() {
        FacesPage page = FacesPage.open(server.client(), server.uri("/faces/"));

        var first = page.submit("greeting", "greeting:greet", Map.of("greeting:name", "Ada"));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("<p id=\"message\">Hello, Ada!</p>")
                .contains("<span id=\"inView\">1</span>")
                .doesNotContain("class=\"error\"");

        // A postback of the same view finds the same @ViewScoped instance; Facelets escapes the input.
        var second = page.submit("greeting", "greeting:greet", Map.of("greeting:name", "<b>Bob</b>"));
        assertThat(second.body()).contains("<p id=\"message\">Hello, &lt;b&gt;Bob&lt;/b&gt;!</p>")
                .contains("<span id=\"inView\">2</span>")
                .doesNotContain("<b>Bob</b>");
    }

    @Test
    void faces_ajax_request_answers_a_partial_response_that_updates_the_result() {
        FacesPage page = FacesPage.open(server.client(), server.uri("/faces/"));
        String render = "greeting:nameMessage greeting:result";

        var greeted = page.ajax("greeting", "greeting:greet", render, Map.of("greeting:name", "Linus"));
        assertThat(greeted.statusCode()).isEqualTo(200);
        assertThat(greeted.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/xml"));
        assertThat(greeted.body())
                .startsWith("<?xml")
                .contains("<partial-response")
                .contains("<update id=\"greeting:result\"><![CDATA[<div id=\"greeting:result\">")
                .contains("<p id=\"message\">Hello, Linus!</p>")
                .contains("<span id=\"inView\">1</span>")
                .contains("<update id=\"j_id1:jakarta.faces.ViewState:0\">")
                .doesNotContain("<h1>");

        var rejected = page.ajax("greeting", "greeting:greet", render, Map.of("greeting:name", ""));
        assertThat(rejected.body())
                .contains("<update id=\"greeting:nameMessage\"><![CDATA[<span id=\"greeting:nameMessage\" class=\"error\">"
                        + "Please enter your name.</span>]]></update>")
                .contains("<span id=\"inView\">1</span>");
    }

    @Test
    void faces_session_scoped_bean_survives_into_a_new_view_and_is_injected_into_a_servlet() {
        FacesPage first = FacesPage.open(server.client(), server.uri("/faces/"));
        first.submit("greeting", "greeting:greet", Map.of("greeting:name", "Grace"));
        first.ajax("greeting", "greeting:greet", "greeting:result", Map.of("greeting:name", "Alan"));

        FacesPage sameSession = FacesPage.open(server.client(), server.uri("/faces/"), first.cookie());
        assertThat(sameSession.body())
                .contains("<span id=\"inView\">0</span>") // a new view, a new @ViewScoped bean
                .contains("<span id=\"inSession\">2</span>")
                .contains("<span id=\"names\">Grace, Alan</span>");
        FacesPage otherSession = FacesPage.open(server.client(), server.uri("/faces/"));
        assertThat(otherSession.body()).contains("<span id=\"inSession\">0</span>");

        var visitor = server.send(HttpRequest.newBuilder(server.uri("/faces/api/visitor"))
                .header("Cookie", first.cookie()).build());
        assertThat(json(visitor).path("greetings").asInt()).isEqualTo(2);
        assertThat(json(server.get("/faces/api/visitor")).path("greetings").asInt()).isZero();
    }

    // The rendered JSP of issue 4 belongs here too, against this same server.

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + response.statusCode() + "): " + response.body(), e);
        }
    }
}
