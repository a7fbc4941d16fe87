/*
 * tls_cert.c — self-signed certificate generation with OpenSSL 3 (see tls_cert.h).
 */
#include "tls_cert.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VALID_BEFORE_S 3600   /* tolerate a client clock slightly behind */
#define VALID_FOR_S 86400     /* short: the key lives in a temp dir for one run */

static void ssl_err(char *err, size_t errcap, const char *what)
{
	char e[256];

	ERR_error_string_n(ERR_get_error(), e, sizeof(e));
	snprintf(err, errcap, "TLS certificate generation failed at %s: %s", what, e);
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok;

	if (!ext)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *make_cert(EVP_PKEY *pkey, char *err, size_t errcap)
{
	X509 *x = X509_new();
	X509_NAME *name;
	BIGNUM *bn = BN_new();
	X509V3_CTX v3;

	if (!x || !bn)
		goto fail;
	if (!X509_set_version(x, 2) /* v3 */ ||
	    !BN_rand(bn, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -VALID_BEFORE_S) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), VALID_FOR_S) || !X509_set_pubkey(x, pkey))
		goto fail;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
					(const unsigned char *)"mdbus-mock-exchange", -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"localhost", -1, -1, 0) ||
	    !X509_set_issuer_name(x, name))
		goto fail;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	/* The key identifier must exist before the authority identifier that copies it. */
	if (!add_ext(x, &v3, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(x, &v3, NID_key_usage, "critical,digitalSignature,keyCertSign") ||
	    !add_ext(x, &v3, NID_ext_key_usage, "serverAuth") ||
	    !add_ext(x, &v3, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &v3, NID_authority_key_identifier, "keyid:always") ||
	    !add_ext(x, &v3, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"))
		goto fail;
	if (!X509_sign(x, pkey, EVP_sha256()))
		goto fail;
	BN_free(bn);
	return x;
fail:
	ssl_err(err, errcap, "building the certificate");
	BN_free(bn);
	X509_free(x);
	return NULL;
}

/* Opens path for writing with the given mode, refusing to follow or reuse a file. */
static FILE *create_private(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f)
		close(fd);
	return f;
}

int mx_tls_generate(struct mx_tls_files *f, char *err, size_t errcap)
{
	const char *tmp = getenv("TMPDIR");
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	FILE *out;
	int rc = -EIO;

	memset(f, 0, sizeof(*f));
	if (!tmp || !*tmp || strlen(tmp) > 200)
		tmp = "/tmp";
	snprintf(f->dir, sizeof(f->dir), "%s/mdbus-mock-XXXXXX", tmp);
	if (!mkdtemp(f->dir)) {
		rc = -errno;
		snprintf(err, errcap, "cannot create a private temp dir under %s: %s", tmp,
			 strerror(errno));
		f->dir[0] = '\0';
		return rc;
	}
	snprintf(f->cert, sizeof(f->cert), "%s/cert.pem", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/key.pem", f->dir);

	pkey = EVP_EC_gen("P-256");
	if (!pkey) {
		ssl_err(err, errcap, "EC P-256 key generation");
		goto out;
	}
	x = make_cert(pkey, err, errcap);
	if (!x)
		goto out;
	out = create_private(f->key, 0600);
	if (!out || !PEM_write_PrivateKey(out, pkey, NULL, NULL, 0, NULL, NULL)) {
		snprintf(err, errcap, "cannot write %s", f->key);
		if (out)
			fclose(out);
		goto out;
	}
	if (fclose(out)) {
		snprintf(err, errcap, "cannot write %s", f->key);
		goto out;
	}
	out = create_private(f->cert, 0644);
	if (!out || !PEM_write_X509(out, x)) {
		snprintf(err, errcap, "cannot write %s", f->cert);
		if (out)
			fclose(out);
		goto out;
	}
	if (fclose(out)) {
		snprintf(err, errcap, "cannot write %s", f->cert);
		goto out;
	}
	rc = 0;
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	if (rc)
		mx_tls_cleanup(f);
	return rc;
}

void mx_tls_cleanup(struct mx_tls_files *f)
{
	if (!f->dir[0])
		return;
	unlink(f->key);
	unlink(f->cert);
	rmdir(f->dir);
	f->dir[0] = '\0';
}

int mx_tls_copy_cert(const char *cert_path, const char *out_path, char *err, size_t errcap)
{
	char tmp[4096], buf[8192];
	FILE *in, *out;
	size_t n;
	int rc = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", out_path, (long)getpid()) >= (int)sizeof(tmp)) {
		snprintf(err, errcap, "--cert-out path too long");
		return -ENAMETOOLONG;
	}
	in = fopen(cert_path, "r");
	if (!in) {
		rc = -errno;
		snprintf(err, errcap, "cannot read certificate %s: %s", cert_path, strerror(errno));
		return rc;
	}
	out = fopen(tmp, "w");
	if (!out) {
		rc = -errno;
		snprintf(err, errcap, "cannot write --cert-out %s: %s", out_path, strerror(errno));
		fclose(in);
		return rc;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			rc = -EIO;
	if (ferror(in))
		rc = -EIO;
	fclose(in);
	if (fclose(out))
		rc = -EIO;
	if (!rc && rename(tmp, out_path))
		rc = -errno;
	if (rc) {
		unlink(tmp);
		snprintf(err, errcap, "cannot write --cert-out %s: %s", out_path, strerror(-rc));
	}
	return rc;
}
