/* assessment-writer.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helper for test-assessment: answers an assessment's questions one by one
 * and prints "instrument linkId code" after each answer is saved, until it
 * is killed. Run again with the same assessment id, it carries on.
 */

#include "config.h"

#include <stdio.h>

#include "kith-core.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KithStore) store = NULL;
  g_autoptr(KithAssessment) assessment = NULL;
  g_autoptr(GPtrArray) instruments = NULL;

  if (argc != 3)
    {
      fprintf (stderr, "usage: assessment-writer STORE ASSESSMENT-ID\n");
      return 2;
    }
  if (!(store = kith_store_open (argv[1], &error)) ||
      !(assessment = kith_assessment_open (store, argv[2], &error)))
    {
      fprintf (stderr, "assessment-writer: %s\n", error->message);
      return 1;
    }

  /* Cycle through every choice question, changing the answer each round. */
  instruments = kith_assessment_list_instruments (assessment);
  for (guint round = 0;; round++)
    for (guint i = 0; i < instruments->len; i++)
      {
        KithInstrument *instrument = instruments->pdata[i];

        for (guint n = 0; n < kith_instrument_get_n_items (instrument); n++)
          {
            const KithInstrumentItem *item = kith_instrument_get_item (instrument, n);
            const KithAnswerOption *option;
            KithAnswer answer = { KITH_ANSWER_CODE };

            if (item->type != KITH_ITEM_CHOICE)
              continue;
            option = item->options->pdata[(round + n) % item->options->len];
            answer.code = option->code;
            if (!kith_assessment_set_answer (assessment, kith_instrument_get_id (instrument),
                                             item->link_id, &answer, &error))
              {
                fprintf (stderr, "assessment-writer: %s\n", error->message);
                return 1;
              }
            printf ("%s %s %s\n", kith_instrument_get_id (instrument), item->link_id, option->code);
            fflush (stdout);
          }
      }
}
