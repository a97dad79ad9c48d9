package dev.container.deploy;

import dev.container.config.Users;
import io.undertow.servlet.api.AuthMethodConfig;
import io.undertow.servlet.api.DeploymentInfo;
import io.undertow.servlet.api.LoginConfig;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may log in to an app: its security constraints, {@code @ServletSecurity} and login-config
 * (mapped to Undertow by {@link DescriptorApplier} and {@link AnnotatedComponents}) are checked
 * against the users file through a {@link UserRealm}, which checks passwords through the server's
 * one {@link LoginGuard} (lockout after repeated failures, bounded hashing). Undertow then answers as Tomcat does: BASIC
 * asks with 401 and {@code WWW-Authenticate}, FORM shows the login page (forwarded, not
 * redirected), a user without the role gets 403, and with no login-config a protected resource
 * is simply 403. Call after web.xml and annotations are applied, before the deployment starts.
 */
final class Logins {
    /** Tomcat's realm name when login-config names none. */
    static final String DEFAULT_REALM = "Authentication required";

    private static final Logger log = LoggerFactory.getLogger("container");

    private Logins() {
    }

    static void apply(DeploymentInfo info, Optional<Users> users, LoginGuard guard, String appName) {
        info.setIdentityManager(new UserRealm(users, guard));
        LoginConfig login = info.getLoginConfig();
        if (login == null) {
            return;
        }
        if (login.getRealmName() == null) {
            LoginConfig named = new LoginConfig(DEFAULT_REALM, login.getLoginPage(), login.getErrorPage());
            for (AuthMethodConfig method : login.getAuthMethods()) {
                named.addLastAuthMethod(method);
            }
            info.setLoginConfig(named);
        }
        if (users.isEmpty()) {
            log.warn("{}: asks for logins ({}) but no --users file is given: every login fails", appName,
                    String.join(", ", login.getAuthMethods().stream().map(AuthMethodConfig::getName).toList()));
        }
    }
}
