/* kith-nhs-number.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Returns the modulus 11 check digit for the first nine digits, or -1 when
 * the check digit would be 10 (such numbers are never issued). */
int       kith_nhs_number_check_digit (const char  *nine_digits);
gboolean  kith_nhs_number_is_valid    (const char  *ten_digits);
/* Accepts "9434765919", "943 476 5919" or "943-476-5919". Returns the ten
 * digits, or NULL with KITH_PATIENT_ERROR_INVALID_NHS_NUMBER. */
char     *kith_nhs_number_normalise   (const char  *input,
                                       GError     **error);
/* "9434765919" -> "943 476 5919" (3-3-4) */
char     *kith_nhs_number_format      (const char  *ten_digits);

G_END_DECLS
