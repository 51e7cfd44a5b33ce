/*
 * tls-load: new TLS 1.3 connections with SNI from N threads for T seconds, each a full handshake
 * (no session cache, no tickets, a new SSL object per connection: never a resumption), optionally
 * followed by a tiny HTTP GET. Counts successes and failures and prints one line of key=value pairs.
 * Only for loopback benchmarks: the peer certificate is not verified (the handshake's
 * CertificateVerify signature still is, as with `openssl s_time`).
 *
 *   tls-load -c 127.0.0.1:8443 -s bench.test -t 4 -d 10            handshakes only
 *   tls-load -c 127.0.0.1:8443 -S 'n%05d.bench.test' -n 9999 ...   random SNI n00001…n09999
 *   tls-load -c 127.0.0.1:8443 -s bench.test -g /index.html ...    handshake + GET
 *   tls-load -c 127.0.0.1:8443 -s bench.test -t 2 -d 60 -m 6000    stop after 6000 successes (warm-up)
 *   tls-load -c 127.0.0.1:8443 -s bench.test -F                    one handshake: print what was negotiated
 *
 * Build: gcc -O2 -pthread -o tls-load tls-load.c -lssl -lcrypto
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKET_US 25
#define BUCKETS 40000 /* 25 us x 40000 = 1 s; slower ones land in the last bucket */

static struct sockaddr_in target;
static const char *sni = NULL;
static const char *sni_pattern = NULL;
static int sni_count = 0;
static const char *get_path = NULL;
static double duration = 10.0;
static long max_ok = 0;     /* stop once this many handshakes succeeded in all threads (0: no limit) */
static long total_ok = 0;   /* shared, atomic */
static SSL_CTX *ctx;
static struct timespec deadline;

struct worker {
    pthread_t thread;
    unsigned seed;
    long ok, fail;
    double lat_sum;
    unsigned *hist;
    char first_error[256];
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void note_error(struct worker *w, const char *what) {
    if (w->first_error[0] == 0) {
        unsigned long e = ERR_peek_error();
        char buf[160] = "";
        if (e != 0) {
            ERR_error_string_n(e, buf, sizeof buf);
        } else if (errno != 0) {
            snprintf(buf, sizeof buf, "%s", strerror(errno));
        }
        snprintf(w->first_error, sizeof w->first_error, "%s:%s", what, buf);
    }
    ERR_clear_error();
}

/* One connection. Returns 1 on success. */
static int one(struct worker *w, char *name_buf, size_t name_len, int print) {
    int ok = 0;
    const char *name = sni;
    if (sni_pattern != NULL) {
        int i = 1 + (int) (rand_r(&w->seed) % (unsigned) sni_count);
        snprintf(name_buf, name_len, sni_pattern, i);
        name = name_buf;
    }
    errno = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        note_error(w, "socket");
        return 0;
    }
    int one_ = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one_, sizeof one_);
    if (connect(fd, (struct sockaddr *) &target, sizeof target) != 0) {
        note_error(w, "connect");
        close(fd);
        usleep(1000);
        return 0;
    }
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    if (name != NULL) {
        SSL_set_tlsext_host_name(ssl, name);
    }
    if (SSL_connect(ssl) != 1) {
        note_error(w, "handshake");
        goto done;
    }
    if (print) {
        X509 *peer = SSL_get1_peer_certificate(ssl);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int mdlen = 0;
        printf("version=%s cipher=%s", SSL_get_version(ssl), SSL_get_cipher_name(ssl));
        int group = SSL_get_negotiated_group(ssl);
        printf(" group=%s", group > 0 ? OBJ_nid2sn(group) : "?");
        int sig = 0, hash = 0;
        if (SSL_get_peer_signature_type_nid(ssl, &sig) == 1 && SSL_get_peer_signature_nid(ssl, &hash) == 1) {
            printf(" sig=%s+%s", sig == EVP_PKEY_EC ? "ECDSA" : OBJ_nid2sn(sig), OBJ_nid2sn(hash));
        }
        printf(" resumed=%d", SSL_session_reused(ssl));
        if (peer != NULL) {
            X509_digest(peer, EVP_sha256(), md, &mdlen);
            printf(" fingerprint=");
            for (unsigned i = 0; i < mdlen; i++) {
                printf("%02x", md[i]);
            }
            EVP_PKEY *pk = X509_get0_pubkey(peer);
            char grp[64] = "?";
            size_t glen = 0;
            EVP_PKEY_get_utf8_string_param(pk, "group", grp, sizeof grp, &glen);
            printf(" key=%s/%s", EVP_PKEY_get0_type_name(pk), grp);
            X509_free(peer);
        }
    }
    if (get_path != NULL) {
        char req[512];
        int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", get_path,
                         name != NULL ? name : "127.0.0.1");
        if (SSL_write(ssl, req, n) != n) {
            note_error(w, "write");
            goto done;
        }
        char buf[4096];
        int got, total = 0, status_ok = 0;
        while ((got = SSL_read(ssl, buf, sizeof buf)) > 0) {
            if (total == 0 && got >= 12 && memcmp(buf, "HTTP/1.1 200", 12) == 0) {
                status_ok = 1;
            }
            total += got;
        }
        if (!status_ok) {
            errno = 0;
            note_error(w, "http-status");
            goto done;
        }
        if (print) {
            printf(" http_bytes=%d", total);
        }
    } else {
        SSL_shutdown(ssl); /* send close_notify, do not wait for the peer's */
    }
    ok = 1;
done:
    if (print) {
        printf("%s\n", ok ? "" : " failed");
    }
    SSL_free(ssl);
    close(fd);
    return ok;
}

static void *run(void *arg) {
    struct worker *w = arg;
    char name[256];
    for (;;) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        if (t0.tv_sec > deadline.tv_sec || (t0.tv_sec == deadline.tv_sec && t0.tv_nsec >= deadline.tv_nsec)) {
            break;
        }
        if (one(w, name, sizeof name, 0)) {
            clock_gettime(CLOCK_MONOTONIC, &t1);
            double us = (t1.tv_sec - t0.tv_sec) * 1e6 + (t1.tv_nsec - t0.tv_nsec) / 1e3;
            w->ok++;
            w->lat_sum += us;
            long b = (long) (us / BUCKET_US);
            w->hist[b < BUCKETS ? b : BUCKETS - 1]++;
            if (max_ok > 0 && __atomic_add_fetch(&total_ok, 1, __ATOMIC_RELAXED) >= max_ok) {
                break;
            }
        } else {
            w->fail++;
        }
    }
    return NULL;
}

static void usage(void) {
    fprintf(stderr, "usage: tls-load -c HOST:PORT (-s SNI | -S PATTERN -n COUNT) [-t THREADS] [-d SECONDS] [-m MAX_OK] [-g PATH] [-F]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *connect_to = NULL;
    int threads = 1, probe = 0, opt;
    while ((opt = getopt(argc, argv, "c:s:S:n:t:d:m:g:F")) != -1) {
        switch (opt) {
            case 'c': connect_to = optarg; break;
            case 's': sni = optarg; break;
            case 'S': sni_pattern = optarg; break;
            case 'n': sni_count = atoi(optarg); break;
            case 't': threads = atoi(optarg); break;
            case 'd': duration = atof(optarg); break;
            case 'm': max_ok = atol(optarg); break;
            case 'g': get_path = optarg; break;
            case 'F': probe = 1; break;
            default: usage();
        }
    }
    if (connect_to == NULL || threads < 1 || (sni_pattern != NULL && sni_count < 1)) {
        usage();
    }
    char host[64];
    const char *colon = strrchr(connect_to, ':');
    if (colon == NULL || (size_t) (colon - connect_to) >= sizeof host) {
        usage();
    }
    memcpy(host, connect_to, colon - connect_to);
    host[colon - connect_to] = 0;
    memset(&target, 0, sizeof target);
    target.sin_family = AF_INET;
    target.sin_port = htons((unsigned short) atoi(colon + 1));
    if (inet_pton(AF_INET, host, &target.sin_addr) != 1) {
        fprintf(stderr, "tls-load: %s is not an IPv4 address\n", host);
        return 2;
    }

    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);

    if (probe) {
        struct worker w = {0};
        w.seed = 1;
        char name[256];
        return one(&w, name, sizeof name, 1) ? 0 : (fprintf(stderr, "tls-load: %s\n", w.first_error), 1);
    }

    struct worker *ws = calloc((size_t) threads, sizeof *ws);
    double start = now_s();
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    long whole = (long) duration;
    deadline.tv_sec += whole;
    deadline.tv_nsec += (long) ((duration - whole) * 1e9);
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    for (int i = 0; i < threads; i++) {
        ws[i].seed = (unsigned) (i * 7919 + 17);
        ws[i].hist = calloc(BUCKETS, sizeof(unsigned));
        pthread_create(&ws[i].thread, NULL, run, &ws[i]);
    }
    long ok = 0, fail = 0;
    double lat = 0;
    unsigned *hist = calloc(BUCKETS, sizeof(unsigned));
    const char *err = "";
    for (int i = 0; i < threads; i++) {
        pthread_join(ws[i].thread, NULL);
        ok += ws[i].ok;
        fail += ws[i].fail;
        lat += ws[i].lat_sum;
        for (int b = 0; b < BUCKETS; b++) {
            hist[b] += ws[i].hist[b];
        }
        if (err[0] == 0 && ws[i].first_error[0] != 0) {
            err = ws[i].first_error;
        }
    }
    double secs = now_s() - start;
    double p99 = 0;
    long seen = 0, want = (long) (ok * 0.99);
    for (int b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen > want) {
            p99 = (b + 1) * BUCKET_US / 1000.0;
            break;
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("ok=%ld fail=%ld secs=%.3f rate=%.1f cli_user_s=%.3f cli_sys_s=%.3f lat_mean_ms=%.3f lat_p99_ms=%.3f first_error=%s\n",
           ok, fail, secs, ok / secs, ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, ok > 0 ? lat / ok / 1000.0 : 0.0, p99,
           err[0] ? err : "-");
    return 0;
}
