/* kith-fhir-server.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-store.h"

G_BEGIN_DECLS

#define KITH_FHIR_SERVER_ERROR (kith_fhir_server_error_quark ())

typedef enum
{
  KITH_FHIR_SERVER_ERROR_INVALID_ADDRESS,  /* not HOST:PORT, or not an IP address */
  KITH_FHIR_SERVER_ERROR_INSECURE_ADDRESS, /* plain HTTP on a non-loopback address */
  KITH_FHIR_SERVER_ERROR_AUTH,             /* the user tables or libsodium cannot be used */
  KITH_FHIR_SERVER_ERROR_LISTEN,           /* could not bind or listen */
} KithFhirServerError;

/* The path every FHIR endpoint lives under. */
#define KITH_FHIR_SERVER_BASE_PATH "/fhir"
/* Where clients sign in for a bearer token (outside the FHIR base). */
#define KITH_FHIR_SERVER_TOKEN_PATH "/auth/token"
/* How long a bearer token lasts unless told otherwise. */
#define KITH_FHIR_SERVER_DEFAULT_TOKEN_LIFETIME (8 * 60 * 60)

#define KITH_TYPE_FHIR_SERVER (kith_fhir_server_get_type ())

G_DECLARE_FINAL_TYPE (KithFhirServer, kith_fhir_server, KITH, FHIR_SERVER, GObject)

GQuark              kith_fhir_server_error_quark            (void);

/* Parses "IPv4:PORT", "[IPv6]:PORT" or "localhost:PORT" (no name lookups).
 * PORT 0 lets the system pick a free port. */
GInetSocketAddress *kith_fhir_server_parse_listen_address   (const char          *text,
                                                             GError             **error);
/* TRUE for 127.0.0.0/8 and ::1. */
gboolean            kith_fhir_server_address_is_loopback    (GInetSocketAddress  *address);

KithFhirServer     *kith_fhir_server_new                    (KithStore           *store);
KithStore          *kith_fhir_server_get_store              (KithFhirServer      *self);

/* Before listening: serve HTTPS with @certificate (and its private key). */
void                kith_fhir_server_set_tls_certificate    (KithFhirServer      *self,
                                                             GTlsCertificate     *certificate);
/* Before listening: the address clients use ("https://kith.example:8443/fhir"),
 * for links and the CapabilityStatement. By default it is made from the
 * listening address. */
void                kith_fhir_server_set_public_base_url    (KithFhirServer      *self,
                                                             const char          *base_url);
/* How long a bearer token lasts; 8 hours by default. */
void                kith_fhir_server_set_token_lifetime     (KithFhirServer      *self,
                                                             gint64               seconds);
/* The audit trail is on by default; off is only for benchmarks. */
void                kith_fhir_server_set_audit              (KithFhirServer      *self,
                                                             gboolean             audit);

/* Access checks are on by default; off is only for benchmarks and tests. */
void                kith_fhir_server_set_access_checks      (KithFhirServer      *self,
                                                             gboolean             access_checks);
/* How long break-glass lasts; 4 hours by default. */
void                kith_fhir_server_set_break_glass_lifetime (KithFhirServer    *self,
                                                             gint64               seconds);

/* Starts serving on @address: HTTPS when a certificate is set, otherwise
 * plain HTTP, which must be on a loopback address. May be called once. */
gboolean            kith_fhir_server_listen                 (KithFhirServer      *self,
                                                             GInetSocketAddress  *address,
                                                             GError             **error);
/* The port really bound (0 before listening). */
guint16             kith_fhir_server_get_port               (KithFhirServer      *self);
/* "http://127.0.0.1:PORT/fhir", or NULL before listening. */
const char         *kith_fhir_server_get_base_url           (KithFhirServer      *self);
/* Commits what is pending, waits for password checks under way, then
 * closes the listeners and every open connection. */
void                kith_fhir_server_disconnect             (KithFhirServer      *self);

G_END_DECLS
