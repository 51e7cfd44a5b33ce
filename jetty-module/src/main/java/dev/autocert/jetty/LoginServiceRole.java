package dev.autocert.jetty;

import dev.autocert.status.StatusAccess;
import org.eclipse.jetty.security.LoginService;
import org.eclipse.jetty.security.UserIdentity;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;

import java.util.Collection;

/**
 * A role of the Server's {@link LoginService} (e.g. a {@code HashLoginService} reading
 * {@code etc/realm.properties}), asked with Basic credentials. The only class that touches jetty-security,
 * which an embedded server or a jetty-base without the {@code security} module may not have: it is loaded
 * only when {@code statusRole} is set.
 */
final class LoginServiceRole {

    private final LoginService service;
    private final String role;

    private LoginServiceRole(LoginService service, String role) {
        this.service = service;
        this.role = role;
    }

    /**
     * @param server the server whose users are asked
     * @param role   the role to check
     * @return the server's own LoginService bean, else the only one anywhere in its tree; {@code null}
     *         when there is none (or several, none of them the server's)
     */
    static LoginServiceRole find(Server server, String role) {
        LoginService service = server.getBean(LoginService.class);
        if (service == null) {
            Collection<LoginService> contained = server.getContainedBeans(LoginService.class);
            service = contained.size() == 1 ? contained.iterator().next() : null;
        }
        return service == null ? null : new LoginServiceRole(service, role);
    }

    /**
     * @param credentials a user name and password (the password is never logged)
     * @param request     the request they came with
     * @return whether they name a user of the role
     */
    StatusAccess.Verdict check(StatusAccess.Credentials credentials, Request request) {
        UserIdentity user = service.login(credentials.user(), credentials.password(), request, create -> null); // no session
        if (user == null) {
            return StatusAccess.Verdict.NOT_AUTHENTICATED;
        }
        try {
            return user.isUserInRole(role) ? StatusAccess.Verdict.IN_ROLE : StatusAccess.Verdict.NOT_IN_ROLE;
        } finally {
            service.logout(user);
        }
    }

    @Override
    public String toString() {
        return "the LoginService '" + service.getName() + "' (" + service.getClass().getSimpleName() + ")";
    }
}
