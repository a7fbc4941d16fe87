/*
 * tls_cert.h — the certificate the mock serves wss:// with.
 *
 * Without --cert/--key a self-signed EC P-256 certificate (CN localhost, SAN IP:127.0.0.1
 * and DNS:localhost, CA:TRUE so it can be its own trust anchor, valid from an hour ago
 * to one day ahead) and its key are generated at start into a private temporary
 * directory (mode 0700, key 0600), removed again at exit.
 */
#ifndef MX_TLS_CERT_H
#define MX_TLS_CERT_H

#include <stddef.h>

struct mx_tls_files {
	char dir[256];  /* temporary directory, "" when nothing was generated */
	char cert[320]; /* PEM certificate path */
	char key[320];  /* PEM private key path */
};

/* Generates a key and certificate into a new private temp dir. 0 or -errno + err. */
int mx_tls_generate(struct mx_tls_files *f, char *err, size_t errcap);

/* Removes what mx_tls_generate created (safe to call when nothing was). */
void mx_tls_cleanup(struct mx_tls_files *f);

/*
 * Copies the PEM certificate at cert_path to out_path atomically (temp file + rename),
 * so a test that sees the file sees all of it. 0 or -errno + err.
 */
int mx_tls_copy_cert(const char *cert_path, const char *out_path, char *err, size_t errcap);

#endif
