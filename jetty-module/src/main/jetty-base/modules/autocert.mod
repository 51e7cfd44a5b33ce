[description]
Autocert: automatic HTTPS from an ACME CA such as Let's Encrypt.
Answers HTTP-01 ahead of every context, TLS-ALPN-01 and TLS-SNI-01 on the TLS connector,
serves the issued certificates without a keystore file and installs renewals without a restart.
Set jetty.autocert.domains and jetty.autocert.acceptTerms in start.d/autocert.ini.

[tags]
connector
ssl
acme
3rdparty

[depend]
server
http
https

[after]
# connector modules: their connection factories must exist when etc/autocert.xml wires the TLS connector
alpn
http2
ssl-reload
proxy-protocol-ssl
# modules inserting handlers: the challenge handler is inserted last, i.e. outermost, so no redirect,
# rewrite, limit or proxy in front of it ever sees /.well-known/acme-challenge/
secure-redirect
rewrite
cross-origin
dos
qos
size-limit
thread-limit
gzip
compression
delay-until-content
eager-content
min-data-rate
graceful
state-tracking
statistics
debuglog
ee9-proxy
ee10-proxy
ee11-proxy
ee10-deploy
ee11-deploy

[lib]
lib/autocert/*.jar

[xml]
etc/autocert.xml

[ini]
## No keystore file is needed: Autocert serves its certificates from memory.
## A keystore you set explicitly (jetty.sslContext.keyStorePath) keeps serving the names Autocert does not manage.
jetty.sslContext.keyStorePath?=
## Webapps never see Autocert's libraries (acme4j, BouncyCastle): their own copies cannot clash.
jetty.webapp.addHiddenClasses+=,${jetty.base.uri}/lib/autocert/

[ini-template]
# tag::documentation[]
### Autocert: automatic HTTPS (ACME, RFC 8555)
## Setting domains and accepting the CA's terms is all it takes. Until the first certificate is
## issued the TLS connector serves a temporary self-signed one; issued certificates are stored and
## served at once after a restart, without contacting the CA.

## Certificates to manage: names of one certificate separated by ',', certificates by ';'.
# jetty.autocert.domains=example.com,www.example.com;api.example.com

## Must be true to create an account at a CA that has terms of service.
# jetty.autocert.acceptTerms=false

## ACME directory URL, or letsencrypt, letsencrypt-staging.
# jetty.autocert.directory=letsencrypt

## Contact address of the ACME account.
# jetty.autocert.email=ops@example.com

## Key type of the certificates: ec256, ec384, rsa2048, rsa4096.
# jetty.autocert.keyType=ec256

## Preference order of challenge types: http-01, tls-alpn-01, dns-01, tls-sni-01 (legacy, opt-in only).
## Default: what the connectors can answer (HTTP connector: http-01, TLS connector: tls-alpn-01),
## then dns-01 when a DNS publisher is set below.
# jetty.autocert.challenges=http-01,tls-alpn-01

## Folder of the certificate store, relative to $JETTY_BASE.
# jetty.autocert.storage=etc/autocert

## Renew this long before expiry (e.g. 30d) instead of when a third of the lifetime remains.
# jetty.autocert.renewBefore=

## PEM file of extra roots to trust for the CA's own HTTPS (private CAs), relative to $JETTY_BASE.
# jetty.autocert.caTrust=

## External Account Binding, when the CA requires it.
# jetty.autocert.eabKid=
# jetty.autocert.eabHmacKey=

## ACME profile name (e.g. shortlived).
# jetty.autocert.profile=

## Password of the PKCS#12 keystores written next to each stored certificate.
# jetty.autocert.keystorePassword=changeit

## First delay after a failed attempt; doubles each time, up to a day.
# jetty.autocert.retryDelay=1m

## How many certificates may be ordered at the same time.
# jetty.autocert.maxConcurrentOrders=4

### DNS-01 (the only way to get wildcard names such as *.example.com): a hook command or RFC 2136.
## Command called as <hook> add|remove <record name> <value> to publish the TXT record, and its time limit.
# jetty.autocert.dnsHook=
# jetty.autocert.dnsHookTimeout=
## RFC 2136 dynamic updates: the DNS server (host[:port]) and the zone (found by an SOA lookup when unset).
# jetty.autocert.rfc2136Server=
# jetty.autocert.rfc2136Zone=
## The TSIG key signing the updates: name, algorithm (e.g. hmac-sha256) and base64 secret,
## or a BIND key file (relative to $JETTY_BASE) instead of the three.
# jetty.autocert.rfc2136TsigKeyName=
# jetty.autocert.rfc2136TsigAlgorithm=
# jetty.autocert.rfc2136TsigSecret=
# jetty.autocert.rfc2136TsigKeyFile=
## How long to wait for the zone's servers to answer the TXT value, the least wait before telling
## the CA, and the servers (host[:port],...) asked instead of the zone's authoritative ones.
# jetty.autocert.dnsPropagationTimeout=
# jetty.autocert.dnsPropagationDelay=
# jetty.autocert.dnsResolver=

### Commands run on events, like Certbot's hooks: after a certificate was issued or renewed and went
### live; when an attempt failed (at most hourly per certificate); when a certificate is close to
### expiry and not renewed yet (at most daily).
# jetty.autocert.onRenewed=
# jetty.autocert.onFailed=
# jetty.autocert.onExpiring=

## Fetch our own HTTP-01 answer through the public name before asking the CA (advisory; logs why it fails)
# jetty.autocert.preflight=true
## The port the CA connects to for HTTP-01; only test CAs such as Pebble use another than 80
# jetty.autocert.httpChallengePort=80

### The JSON status of every certificate (like mod_md's md-status), off unless statusPath is set.
## Clients on this machine get it; a request forwarded by a proxy (X-Forwarded-For, Forwarded) does not count.
# jetty.autocert.statusPath=/.well-known/autocert-status
## Users of this role in the Server's LoginService (e.g. a HashLoginService reading etc/realm.properties)
## get it from elsewhere too, over HTTPS with Basic credentials.
# jetty.autocert.statusRole=autocert-status
# end::documentation[]
