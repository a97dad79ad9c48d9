package dev.container.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Optional;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.CertException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPException;
import org.bouncycastle.cert.ocsp.OCSPReqBuilder;
import org.bouncycastle.cert.ocsp.OCSPResp;
import org.bouncycastle.cert.ocsp.RevokedStatus;
import org.bouncycastle.cert.ocsp.SingleResp;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An OCSP response (RFC 6960) that says "good" for one certificate, checked as a client would
 * check it before it is stapled: signed by the certificate's issuer or by a responder the issuer
 * authorized (id-kp-OCSPSigning), about this certificate, current. Also builds the request and
 * reads the responder's URL from a certificate. Immutable; the static methods are stateless.
 *
 * @param der the OCSPResponse as the responder sent it: what the TLS status_request extension carries
 * @param thisUpdate when the responder vouched for the status
 * @param nextUpdate when the response stops being valid (clients reject it after)
 * @param refreshAt when to fetch a new one: halfway through the validity window, as Caddy does
 */
record OcspResponse(byte[] der, Instant thisUpdate, Instant nextUpdate, Instant refreshAt) {
    /**
     * How long a response without nextUpdate is used (RFC 6960 §2.4: "newer information is
     * available all the time"); clients accept those for a while after thisUpdate only.
     */
    static final Duration WITHOUT_NEXT_UPDATE = Duration.ofHours(1);
    /** Clock skew tolerated on thisUpdate, as clients tolerate it. */
    private static final Duration SKEW = Duration.ofMinutes(5);

    /** Why a response cannot be stapled; revoked when the responder says the certificate is. */
    static final class Refused extends Exception {
        private final boolean revoked;

        Refused(String message, boolean revoked) {
            super(message, null, false, false);
            this.revoked = revoked;
        }

        Refused(String message) {
            this(message, false);
        }

        boolean revoked() {
            return revoked;
        }
    }

    /** Whether the response may still be stapled at now. */
    boolean usable(Instant now) {
        return now.isBefore(nextUpdate);
    }

    /** The first OCSP responder URL of the certificate's Authority Information Access, if any. */
    static Optional<URI> responder(X509Certificate certificate) {
        if (certificate.getExtensionValue(Extension.authorityInfoAccess.getId()) == null) {
            return Optional.empty(); // without parsing the certificate again: thousands are looked at on start
        }
        try {
            AuthorityInformationAccess access = AuthorityInformationAccess.fromExtensions(
                    new JcaX509CertificateHolder(certificate).getExtensions());
            if (access == null) {
                return Optional.empty();
            }
            for (AccessDescription description : access.getAccessDescriptions()) {
                GeneralName location = description.getAccessLocation();
                if (description.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && location.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = new URI(location.getName().toString());
                    if ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme())) {
                        return Optional.of(uri);
                    }
                }
            }
        } catch (CertificateEncodingException | URISyntaxException | IllegalArgumentException e) {
            // a malformed extension: as if there were none
        }
        return Optional.empty();
    }

    /** The DER of an OCSP request for the certificate (no nonce: responders that precompute ignore them). */
    static byte[] request(X509Certificate certificate, X509Certificate issuer) throws Refused {
        try {
            CertificateID id = new CertificateID(digests().get(CertificateID.HASH_SHA1),
                    new JcaX509CertificateHolder(issuer), certificate.getSerialNumber());
            return new OCSPReqBuilder().addRequest(id).build().getEncoded();
        } catch (OperatorCreationException | OCSPException | CertificateEncodingException | IOException e) {
            throw new Refused("cannot build the request: " + e.getMessage());
        }
    }

    /** The response in der, checked for certificate (issued by issuer) at now. */
    static OcspResponse verify(byte[] der, X509Certificate certificate, X509Certificate issuer, Instant now)
            throws Refused {
        BasicOCSPResp basic;
        try {
            OCSPResp response = new OCSPResp(der);
            if (response.getStatus() != OCSPResp.SUCCESSFUL) {
                throw new Refused("the responder answered " + status(response.getStatus()));
            }
            if (!(response.getResponseObject() instanceof BasicOCSPResp b)) {
                throw new Refused("not a basic OCSP response");
            }
            basic = b;
        } catch (IOException | OCSPException | RuntimeException e) {
            throw new Refused("not an OCSP response (" + e.getClass().getSimpleName() + ")");
        }
        Instant responderNotAfter = checkSignature(basic, issuer, now);
        SingleResp single = about(basic, certificate, issuer);
        CertificateStatus status = single.getCertStatus();
        if (status instanceof RevokedStatus revoked) {
            throw new Refused("the certificate is REVOKED (since " + revoked.getRevocationTime().toInstant() + ")", true);
        }
        if (status != CertificateStatus.GOOD) {
            throw new Refused("the responder does not know the certificate (status unknown)");
        }
        Instant thisUpdate = single.getThisUpdate().toInstant();
        Instant nextUpdate = single.getNextUpdate() != null ? single.getNextUpdate().toInstant()
                : thisUpdate.plus(WITHOUT_NEXT_UPDATE);
        if (thisUpdate.isAfter(now.plus(SKEW))) {
            throw new Refused("the response is dated in the future (thisUpdate " + thisUpdate + ")");
        }
        if (!now.isBefore(nextUpdate)) {
            throw new Refused("the response is out of date (nextUpdate " + nextUpdate + ")");
        }
        Instant end = responderNotAfter.isBefore(nextUpdate) ? responderNotAfter : nextUpdate;
        return new OcspResponse(der.clone(), thisUpdate, nextUpdate, refreshAt(thisUpdate, end));
    }

    /** Whether der is an OCSP response with some single response still valid at now (unchecked otherwise). */
    static boolean stillValid(byte[] der, Instant now) {
        try {
            if (new OCSPResp(der).getResponseObject() instanceof BasicOCSPResp basic) {
                for (SingleResp single : basic.getResponses()) {
                    Instant thisUpdate = single.getThisUpdate().toInstant();
                    Instant end = single.getNextUpdate() != null ? single.getNextUpdate().toInstant()
                            : thisUpdate.plus(WITHOUT_NEXT_UPDATE);
                    if (now.isBefore(end)) {
                        return true;
                    }
                }
            }
        } catch (IOException | OCSPException | RuntimeException e) {
            // not a response at all
        }
        return false;
    }

    /**
     * When to fetch a response valid from thisUpdate until end: halfway, as Caddy does, so that a
     * responder that is down for a while costs nothing.
     */
    static Instant refreshAt(Instant thisUpdate, Instant end) {
        return thisUpdate.plus(Duration.between(thisUpdate, end).dividedBy(2));
    }

    /**
     * Checks that the issuer, or a responder certificate in the response that the issuer signed
     * for OCSP signing and that is valid at now, signed it (RFC 6960 §4.2.2.2). Returns when that
     * signer's certificate expires.
     */
    private static Instant checkSignature(BasicOCSPResp basic, X509Certificate issuer, Instant now) throws Refused {
        try {
            if (basic.isSignatureValid(verifier(new JcaX509CertificateHolder(issuer)))) {
                return issuer.getNotAfter().toInstant();
            }
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            for (X509CertificateHolder responder : basic.getCerts()) {
                ExtendedKeyUsage usage = ExtendedKeyUsage.fromExtensions(responder.getExtensions());
                if (responder.getIssuer().equals(issuerHolder.getSubject())
                        && usage != null && usage.hasKeyPurposeId(KeyPurposeId.id_kp_OCSPSigning)
                        && responder.isValidOn(Date.from(now))
                        && responder.isSignatureValid(verifier(issuerHolder))
                        && basic.isSignatureValid(verifier(responder))) {
                    return responder.getNotAfter().toInstant();
                }
            }
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException
                 | CertException | RuntimeException e) {
            throw new Refused("cannot check its signature: " + e.getMessage());
        }
        throw new Refused("it is not signed by the certificate's issuer nor by a responder the issuer authorized");
    }

    /** The single response about certificate, whatever hash the responder identified it with. */
    private static SingleResp about(BasicOCSPResp basic, X509Certificate certificate, X509Certificate issuer)
            throws Refused {
        BigInteger serial = certificate.getSerialNumber();
        try {
            X509CertificateHolder issuerHolder = new JcaX509CertificateHolder(issuer);
            for (SingleResp single : basic.getResponses()) {
                CertificateID id = single.getCertID();
                if (id.getSerialNumber().equals(serial) && id.matchesIssuer(issuerHolder, digests())) {
                    return single;
                }
            }
        } catch (OCSPException | OperatorCreationException | CertificateEncodingException e) {
            throw new Refused("cannot match it to the certificate: " + e.getMessage());
        }
        throw new Refused("it is about another certificate");
    }

    private static ContentVerifierProvider verifier(X509CertificateHolder signer) throws OperatorCreationException {
        try {
            return new JcaContentVerifierProviderBuilder().setProvider(Bc.PROVIDER).build(signer);
        } catch (CertificateException e) {
            throw new OperatorCreationException(e.getMessage(), e);
        }
    }

    private static DigestCalculatorProvider digests() throws OperatorCreationException {
        return new JcaDigestCalculatorProviderBuilder().setProvider(Bc.PROVIDER).build();
    }

    private static String status(int status) {
        return switch (status) {
            case OCSPResp.MALFORMED_REQUEST -> "malformedRequest";
            case OCSPResp.INTERNAL_ERROR -> "internalError";
            case OCSPResp.TRY_LATER -> "tryLater";
            case OCSPResp.SIG_REQUIRED -> "sigRequired";
            case OCSPResp.UNAUTHORIZED -> "unauthorized";
            default -> "status " + status;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OcspResponse r && Arrays.equals(der, r.der);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(der);
    }

    @Override
    public String toString() {
        return "OcspResponse[thisUpdate=" + thisUpdate + ", nextUpdate=" + nextUpdate + ", " + der.length + " bytes]";
    }
}
