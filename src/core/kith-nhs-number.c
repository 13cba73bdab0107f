/* kith-nhs-number.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kith-patient"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "kith-nhs-number.h"
#include "kith-patient.h"

/* Modulus 11: weights 10 down to 2 over the first nine digits; the check
 * digit is 11 minus the remainder, where 11 becomes 0 and 10 is invalid. */
int
kith_nhs_number_check_digit (const char *nine_digits)
{
  int sum = 0;
  int check;

  for (int i = 0; i < 9; i++)
    {
      if (!g_ascii_isdigit (nine_digits[i]))
        return -1;
      sum += (nine_digits[i] - '0') * (10 - i);
    }
  check = 11 - (sum % 11);
  if (check == 11)
    return 0;
  if (check == 10)
    return -1;
  return check;
}

gboolean
kith_nhs_number_is_valid (const char *ten_digits)
{
  int check;

  if (ten_digits == NULL || strlen (ten_digits) != 10)
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (!g_ascii_isdigit (ten_digits[i]))
      return FALSE;
  check = kith_nhs_number_check_digit (ten_digits);
  return check >= 0 && check == ten_digits[9] - '0';
}

char *
kith_nhs_number_normalise (const char  *input,
                           GError     **error)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  if (input == NULL)
    input = "";

  for (const char *p = input; *p; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (*p != ' ' && *p != '-' && *p != '\t')
        {
          g_set_error_literal (error, KITH_PATIENT_ERROR,
                               KITH_PATIENT_ERROR_INVALID_NHS_NUMBER,
                               _("NHS number: use digits only, for example 943 476 5919"));
          return NULL;
        }
    }

  if (digits->len != 10)
    {
      g_set_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER,
                   _("NHS number: it must have 10 digits, this has %u"),
                   (guint) digits->len);
      return NULL;
    }

  if (!kith_nhs_number_is_valid (digits->str))
    {
      g_set_error_literal (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER,
                           _("NHS number: the check digit does not match; please check it for a typing error"));
      return NULL;
    }

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

char *
kith_nhs_number_format (const char *ten_digits)
{
  if (ten_digits == NULL || strlen (ten_digits) != 10)
    return g_strdup (ten_digits);
  return g_strdup_printf ("%.3s %.3s %.4s", ten_digits, ten_digits + 3, ten_digits + 6);
}
