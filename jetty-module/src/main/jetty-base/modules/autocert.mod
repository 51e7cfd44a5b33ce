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
## Every setting follows: what it does, then its property with the default or an example.
## @settings
# end::documentation[]
