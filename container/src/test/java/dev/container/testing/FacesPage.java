package dev.container.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Jakarta Faces page as a browser tab holds it: the session cookie and the view state of the
 * page it shows, so a test posts a form back as a browser would, without JavaScript (a plain
 * postback of the whole page) or with it (the Ajax request that faces.js sends for
 * {@code <f:ajax execute="@form" render="...">}, answered by a {@code <partial-response>}).
 * Reads only what Faces writes: the form's action, its hidden {@code jakarta.faces.ViewState} field,
 * and a partial response's view-state update. Not thread-safe: one per simulated tab.
 */
public final class FacesPage {
    private static final String VIEW_STATE = "jakarta.faces.ViewState";
    private static final Pattern VIEW_STATE_FIELD = Pattern.compile(
            "<input type=\"hidden\" name=\"jakarta\\.faces\\.ViewState\"[^>]*value=\"([^\"]+)\"");
    private static final Pattern VIEW_STATE_UPDATE = Pattern.compile(
            "<update id=\"[^\"]*jakarta\\.faces\\.ViewState[^\"]*\"><!\\[CDATA\\[([^\\]]*)\\]\\]></update>");

    private final HttpClient client;
    private final URI page;
    private String cookie;
    private String body;
    private String viewState;

    private FacesPage(HttpClient client, URI page, String cookie) {
        this.client = client;
        this.page = page;
        this.cookie = cookie;
    }

    /** GETs the page in a new tab of a new browser: no cookie, so a new session. */
    public static FacesPage open(HttpClient client, URI page) {
        return open(client, page, null);
    }

    /** GETs the page in a new tab that sends {@code cookie} (from another tab): the same session, a new view. */
    public static FacesPage open(HttpClient client, URI page, String cookie) {
        FacesPage tab = new FacesPage(client, page, cookie);
        HttpResponse<String> response = tab.send(tab.request(page).GET().build());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + page + " answered " + response.statusCode() + ": " + response.body());
        }
        tab.show(response.body());
        return tab;
    }

    /** What the tab shows: the last full page, or the page a partial response was applied to. */
    public String body() {
        return body;
    }

    /** The session cookie ({@code JSESSIONID=...}), once the server set one. */
    public String cookie() {
        return cookie;
    }

    public String viewState() {
        return viewState;
    }

    /**
     * Posts form {@code formId} by pressing {@code button} without JavaScript: every given field,
     * the button's name, the form's own marker field and the view state. The answer is the whole page.
     */
    public HttpResponse<String> submit(String formId, String button, Map<String, String> fields) {
        Map<String, String> form = formFields(formId, fields);
        form.put(button, buttonValue(button));
        HttpResponse<String> response = post(formId, form, Map.of());
        if (response.statusCode() == 200) {
            show(response.body());
        }
        return response;
    }

    /**
     * Posts form {@code formId} by Ajax, as faces.js does when {@code source} is clicked: the
     * fields, the view state and the {@code jakarta.faces.partial.*} parameters, with the header
     * {@code Faces-Request: partial/ajax}. The answer is a partial response; its new view state is kept.
     */
    public HttpResponse<String> ajax(String formId, String source, String render, Map<String, String> fields) {
        Map<String, String> form = formFields(formId, fields);
        form.put("jakarta.faces.source", source);
        form.put("jakarta.faces.partial.event", "click");
        form.put("jakarta.faces.partial.execute", source + " " + formId);
        form.put("jakarta.faces.partial.render", render);
        form.put("jakarta.faces.behavior.event", "action");
        form.put("jakarta.faces.partial.ajax", "true");
        HttpResponse<String> response = post(formId, form, Map.of("Faces-Request", "partial/ajax"));
        Matcher m = VIEW_STATE_UPDATE.matcher(response.body());
        if (m.find()) {
            viewState = m.group(1);
        }
        return response;
    }

    private Map<String, String> formFields(String formId, Map<String, String> fields) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put(formId, formId); // Faces knows from this field which form was submitted
        form.putAll(fields);
        form.put(VIEW_STATE, viewState);
        return form;
    }

    private HttpResponse<String> post(String formId, Map<String, String> form, Map<String, String> headers) {
        String encoded = form.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = request(page.resolve(action(formId)))
                .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofString(encoded));
        headers.forEach(request::header);
        return send(request.build());
    }

    /** The form's action attribute, as a browser reads it (Faces posts back to the view's own URL). */
    private String action(String formId) {
        Matcher m = Pattern.compile("<form id=\"" + Pattern.quote(formId) + "\"[^>]*action=\"([^\"]+)\"").matcher(body);
        if (!m.find()) {
            throw new AssertionError("no form " + formId + " on the page:\n" + body);
        }
        return m.group(1).replace("&amp;", "&");
    }

    /** What a browser sends for a pressed submit button: its name and its value. */
    private String buttonValue(String button) {
        Matcher m = Pattern.compile("<input [^>]*name=\"" + Pattern.quote(button) + "\"[^>]*value=\"([^\"]*)\"").matcher(body);
        if (!m.find()) {
            throw new AssertionError("no button " + button + " on the page:\n" + body);
        }
        return m.group(1);
    }

    private void show(String page) {
        body = page;
        Matcher m = VIEW_STATE_FIELD.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no " + VIEW_STATE + " field on the page:\n" + page);
        }
        viewState = m.group(1);
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
        if (cookie != null) {
            builder.header("Cookie", cookie);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        sessionCookie(response).ifPresent(c -> cookie = c);
        return response;
    }

    private static Optional<String> sessionCookie(HttpResponse<String> response) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("JSESSIONID="))
                .map(c -> c.split(";", 2)[0])
                .findFirst();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
