/* test-nhs-number.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "kith-core.h"

static void
test_valid_numbers (void)
{
  /* 943 476 5919: weights 10..2 give 299; 299 mod 11 = 2; 11 - 2 = 9 */
  g_assert_true (kith_nhs_number_is_valid ("9434765919"));
  g_assert_cmpint (kith_nhs_number_check_digit ("943476591"), ==, 9);
  /* Remainder 0 gives 11, which becomes check digit 0. */
  g_assert_cmpint (kith_nhs_number_check_digit ("999000005"), ==, 0);
  g_assert_true (kith_nhs_number_is_valid ("9990000050"));
}

static void
test_wrong_check_digit (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *digits = NULL;

  g_assert_false (kith_nhs_number_is_valid ("9434765918"));
  digits = kith_nhs_number_normalise ("943 476 5918", &error);
  g_assert_null (digits);
  g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER);
  /* The message names the field, so the window can say what is wrong. */
  g_assert_true (g_str_has_prefix (error->message, "NHS number"));
}

static void
test_check_digit_ten_is_invalid (void)
{
  /* 999000000 gives remainder 1, so its check digit would be 10: no final
   * digit can make it valid. */
  g_assert_cmpint (kith_nhs_number_check_digit ("999000000"), ==, -1);
  for (char last = '0'; last <= '9'; last++)
    {
      char number[11] = "999000000";

      number[9] = last;
      number[10] = '\0';
      g_assert_false (kith_nhs_number_is_valid (number));
    }
}

static void
test_normalise_accepts_spaces (void)
{
  const char *inputs[] = { "9434765919", "943 476 5919", " 943 476 5919 ", "943-476-5919", "943  4765919" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *digits = kith_nhs_number_normalise (inputs[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (digits, ==, "9434765919");
    }
}

static void
test_normalise_refuses (void)
{
  const char *inputs[] = { "", "943476591", "94347659190", "943 476 591O", "943.476.5919", "abc", "+9434765919" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *digits = kith_nhs_number_normalise (inputs[i], &error);

      g_assert_null (digits);
      g_assert_error (error, KITH_PATIENT_ERROR, KITH_PATIENT_ERROR_INVALID_NHS_NUMBER);
    }
}

static void
test_format (void)
{
  g_autofree char *formatted = kith_nhs_number_format ("9434765919");

  g_assert_cmpstr (formatted, ==, "943 476 5919");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/nhs-number/valid", test_valid_numbers);
  g_test_add_func ("/nhs-number/wrong-check-digit", test_wrong_check_digit);
  g_test_add_func ("/nhs-number/check-digit-ten", test_check_digit_ten_is_invalid);
  g_test_add_func ("/nhs-number/normalise-spaces", test_normalise_accepts_spaces);
  g_test_add_func ("/nhs-number/normalise-refuses", test_normalise_refuses);
  g_test_add_func ("/nhs-number/format", test_format);

  return g_test_run ();
}
