/* kith-sharing.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-consent.h"
#include "kith-types.h"

G_BEGIN_DECLS

/* The person's sharing choices in the store: the one active
 * record-sharing Consent (kith-consent.h, GOVERNANCE.md) for a person,
 * read and replaced as a whole, and each choice in words. */

/* The person's active record-sharing Consent, or NULL with no error when
 * they have not made any choices (transfer full). */
KithConsent *kith_sharing_load       (KithStore          *store,
                                      const char         *patient_id,
                                      GError            **error);

/* Records @consent as the person's choices: their words are required,
 * @recorded_by and the time are set. They become a new version of the
 * person's active Consent (the history keeps the earlier choices); any
 * other active one becomes inactive, in one transaction. @consent gets
 * its id. */
gboolean     kith_sharing_save       (KithStore          *store,
                                      KithConsent        *consent,
                                      const char         *recorded_by,
                                      GError            **error);

/* "Withhold mental health detail from social workers in any team"
 * (transfer full). */
char        *kith_sharing_describe_rule (const KithConsentRule *rule);

/* What the record says is withheld, from kith_store_list_withheld():
 * "At the person's request: 3 items (mental health). Restricted to their
 * GP and named co-ordinator: 2 items." (transfer full) */
char        *kith_sharing_describe_withheld (GPtrArray *withheld);

/* The roles a choice can name, with words for people: NULL-terminated
 * pairs of code and label ("gp", "GP", …). */
const char * const *kith_sharing_roles (void);
const char  *kith_sharing_role_label (const char *role);

G_END_DECLS
