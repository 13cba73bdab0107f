/* kith-secret.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Credentials live in libsecret, never in files, settings or logs.
 */

#define G_LOG_DOMAIN "kith-secret"

#include "config.h"

#include "kith-secret.h"

const SecretSchema *
kith_secret_get_token_schema (void)
{
  /* SECRET_SCHEMA_NONE: "care.kith.Kith.Token" is also what kith-tool
   * asks for, and the name must not follow the .Devel application id. */
  static const SecretSchema schema = {
    "care.kith.Kith.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

const SecretSchema *
kith_secret_get_verifier_schema (void)
{
  static const SecretSchema schema = {
    "care.kith.Kith.Verifier", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}
