package dev.container.acme;

import java.security.cert.X509Certificate;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/** How certificates are named to people: the issuer's common name (else its whole name). */
public final class CertificateInfo {
    private CertificateInfo() {
    }

    public static String issuer(X509Certificate certificate) {
        String name = certificate.getIssuerX500Principal().getName();
        try {
            for (Rdn rdn : new LdapName(name).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            // not an LDAP name: show it whole
        }
        return name;
    }
}
