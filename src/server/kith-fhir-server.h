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
  KITH_FHIR_SERVER_ERROR_LISTEN,           /* could not bind or listen */
} KithFhirServerError;

/* The path every FHIR endpoint lives under. */
#define KITH_FHIR_SERVER_BASE_PATH "/fhir"

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

/* Starts serving plain HTTP on @address, which must be loopback (TLS comes
 * later). May be called once. */
gboolean            kith_fhir_server_listen                 (KithFhirServer      *self,
                                                             GInetSocketAddress  *address,
                                                             GError             **error);
/* The port really bound (0 before listening). */
guint16             kith_fhir_server_get_port               (KithFhirServer      *self);
/* "http://127.0.0.1:PORT/fhir", or NULL before listening. */
const char         *kith_fhir_server_get_base_url           (KithFhirServer      *self);
/* Commits what is pending, then closes the listeners and every open
 * connection. */
void                kith_fhir_server_disconnect             (KithFhirServer      *self);

G_END_DECLS
