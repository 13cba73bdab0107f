/* test-instruments.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The clinical content: every scoring fact of
 * shared/design/clinical-content.md, every band boundary, every alert,
 * offer and indication, and every needs rule in data/rules/needs.json.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kith-core.h"

/* The PHQ and GAD answer list, by ordinal value. */
static const char *frequency_codes[] = { "LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9" };

static const char *allowed_licences[] = { "free-to-use", "ogl-3.0", "kith", "measured-elsewhere", NULL };
static const char *allowed_domains[] = {
  "about-me", "health", "daily-living", "emotional", "practical", "carer", "risk", NULL
};

/* --- helpers ----------------------------------------------------------- */

static KithInstrumentLibrary *
get_library (void)
{
  KithInstrumentLibrary *library = kith_instrument_library_get_default ();

  g_assert_nonnull (library);
  return library;
}

static KithInstrument *
get_instrument (const char *id)
{
  KithInstrument *instrument = kith_instrument_library_lookup (get_library (), id);

  if (instrument == NULL)
    g_error ("instrument “%s” is not in the library", id);
  return instrument;
}

static KithAnswerSet *
new_answers (const char *instrument_id)
{
  return kith_answer_set_new (get_instrument (instrument_id));
}

static void
put_checked (KithAnswerSet    *answers,
             const char       *link_id,
             const KithAnswer *answer)
{
  g_autoptr(GError) error = NULL;

  if (!kith_instrument_check_answer (kith_answer_set_get_instrument (answers), link_id, answer, &error))
    g_error ("%s:%s refused: %s",
             kith_instrument_get_id (kith_answer_set_get_instrument (answers)), link_id, error->message);
  kith_answer_set_put (answers, link_id, answer);
}

static void
put_code (KithAnswerSet *answers,
          const char    *link_id,
          const char    *code)
{
  KithAnswer answer = { .kind = KITH_ANSWER_CODE, .code = (char *) code };

  put_checked (answers, link_id, &answer);
}

static void
put_integer (KithAnswerSet *answers,
             const char    *link_id,
             int            value)
{
  KithAnswer answer = { .kind = KITH_ANSWER_INTEGER, .integer = value };

  put_checked (answers, link_id, &answer);
}

static void
put_boolean (KithAnswerSet *answers,
             const char    *link_id,
             gboolean       value)
{
  KithAnswer answer = { .kind = KITH_ANSWER_BOOLEAN, .integer = value ? 1 : 0 };

  put_checked (answers, link_id, &answer);
}

static void
put_text (KithAnswerSet *answers,
          const char    *link_id,
          const char    *text)
{
  KithAnswer answer = { .kind = KITH_ANSWER_TEXT, .text = (char *) text };

  put_checked (answers, link_id, &answer);
}

static void
put_kind (KithAnswerSet  *answers,
          const char     *link_id,
          KithAnswerKind  kind)
{
  KithAnswer answer = { .kind = kind };

  kith_answer_set_put (answers, link_id, &answer);
}

/* Answers "<prefix>-1" … "<prefix>-<n_items>" (0–3 each) so that they add up
 * to @total, filling the items in @order (1-based item numbers). */
static KithAnswerSet *
new_frequency_answers (const char  *instrument_id,
                       const char  *prefix,
                       guint        n_items,
                       const guint *order,
                       guint        total)
{
  KithAnswerSet *answers = new_answers (instrument_id);
  guint values[16] = { 0 };
  guint left = total;

  g_assert_cmpuint (n_items, <=, G_N_ELEMENTS (values));
  g_assert_cmpuint (total, <=, 3 * n_items);
  for (guint i = 0; i < n_items && left > 0; i++)
    {
      guint item = order ? order[i] : i + 1;
      guint value = MIN (left, 3);

      values[item - 1] = value;
      left -= value;
    }
  g_assert_cmpuint (left, ==, 0);

  for (guint i = 0; i < n_items; i++)
    {
      g_autofree char *link_id = g_strdup_printf ("%s-%u", prefix, i + 1);

      put_code (answers, link_id, frequency_codes[values[i]]);
    }
  return answers;
}

/* PHQ-9 with item 9 filled last, so that totals below 25 leave it at 0. */
static const guint phq9_order[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static KithAnswerSet *
new_phq9_answers (guint total)
{
  return new_frequency_answers ("phq-9", "phq9", 9, phq9_order, total);
}

static KithAnswerSet *
new_gad7_answers (guint total)
{
  return new_frequency_answers ("gad-7", "gad7", 7, NULL, total);
}

static const KithScore *
find_score (GPtrArray  *scores,
            const char *name)
{
  for (guint i = 0; i < scores->len; i++)
    {
      const KithScore *score = g_ptr_array_index (scores, i);

      if (g_strcmp0 (score->name, name) == 0)
        return score;
    }
  g_error ("no score called “%s”", name);
  return NULL;
}

static void
assert_score (KithAnswerSet *answers,
              const char    *name,
              double         value,
              const char    *band_code)
{
  g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);
  const KithScore *score = find_score (scores, name);

  g_assert_true (score->has_value);
  g_assert_cmpfloat (score->value, ==, value);
  g_assert_cmpstr (score->band_code, ==, band_code);
  if (band_code != NULL)
    {
      g_assert_nonnull (score->band_title);
      g_assert_cmpstr (score->band_title, !=, "");
    }
}

static void
assert_score_has_no_value (KithAnswerSet *answers,
                           const char    *name)
{
  g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);
  const KithScore *score = find_score (scores, name);

  g_assert_false (score->has_value);
  g_assert_null (score->band_code);
}

/* Evaluates the library's rules against some answer sets (owned by the
 * caller; NULL-terminated). */
static GPtrArray *
evaluate (KithAnswerSet *first,
          ...)
{
  g_autoptr(GPtrArray) sets = g_ptr_array_new ();
  va_list args;

  va_start (args, first);
  for (KithAnswerSet *set = first; set != NULL; set = va_arg (args, KithAnswerSet *))
    g_ptr_array_add (sets, set);
  va_end (args);

  return kith_instrument_library_evaluate (get_library (), sets);
}

static const KithFinding *
find_finding (GPtrArray       *findings,
              KithFindingKind  kind,
              const char      *name)
{
  for (guint i = 0; i < findings->len; i++)
    {
      const KithFinding *finding = g_ptr_array_index (findings, i);

      if (finding->kind == kind && g_strcmp0 (finding->name, name) == 0)
        return finding;
    }
  return NULL;
}

/* Like find_finding(), but the finding must be there. */
static const KithFinding *
expect_finding (GPtrArray       *findings,
                KithFindingKind  kind,
                const char      *name)
{
  const KithFinding *finding = find_finding (findings, kind, name);

  if (finding == NULL)
    g_error ("no finding “%s” of kind %d", name, kind);
  return finding;
}

static guint
count_findings (GPtrArray       *findings,
                KithFindingKind  kind)
{
  guint n = 0;

  for (guint i = 0; i < findings->len; i++)
    if (((const KithFinding *) g_ptr_array_index (findings, i))->kind == kind)
      n++;
  return n;
}

static const KithFinding *
assert_need (GPtrArray  *findings,
             const char *rule_id)
{
  const KithFinding *need = find_finding (findings, KITH_FINDING_NEED, rule_id);

  if (need == NULL)
    g_error ("need “%s” did not fire", rule_id);
  g_test_message ("need %s: %s", rule_id, need->why);
  g_assert_nonnull (need->title);
  g_assert_cmpstr (need->title, !=, "");
  g_assert_nonnull (need->why);
  g_assert_cmpstr (need->why, !=, "");
  return need;
}

static void
assert_no_need (GPtrArray  *findings,
                const char *rule_id)
{
  if (find_finding (findings, KITH_FINDING_NEED, rule_id) != NULL)
    g_error ("need “%s” fired when it should not", rule_id);
}

static void
free_answers (gpointer data)
{
  kith_answer_set_free (data);
}

/* --- the library ------------------------------------------------------- */

static void
test_library_lists_every_file (void)
{
  const char *root = g_getenv ("KITH_SOURCE_ROOT");
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *name;
  guint n_files = 0;

  if (root == NULL)
    {
      g_test_skip ("KITH_SOURCE_ROOT is not set");
      return;
    }
  dir_path = g_build_filename (root, "data", "instruments", NULL);
  dir = g_dir_open (dir_path, 0, &error);
  g_assert_no_error (error);

  /* Every file loads, under the id of its file name. */
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = NULL;
      g_autofree char *url = NULL;
      KithInstrument *instrument;

      if (!g_str_has_suffix (name, ".json"))
        continue;
      n_files++;
      id = g_strndup (name, strlen (name) - strlen (".json"));
      instrument = kith_instrument_library_lookup (get_library (), id);
      if (instrument == NULL)
        g_error ("data/instruments/%s did not load", name);
      g_assert_cmpstr (kith_instrument_get_id (instrument), ==, id);
      url = g_strconcat ("https://kith.example/fhir/Questionnaire/", id, NULL);
      g_assert_cmpstr (kith_instrument_get_url (instrument), ==, url);
      g_assert_true (kith_instrument_library_lookup_url (get_library (), url) == instrument);
    }
  g_assert_cmpuint (n_files, >=, 15);

  list = kith_instrument_library_list (get_library ());
  g_assert_cmpuint (list->len, ==, n_files);
}

static void
test_library_terms (void)
{
  g_autoptr(GPtrArray) list = kith_instrument_library_list (get_library ());

  for (guint i = 0; i < list->len; i++)
    {
      KithInstrument *instrument = g_ptr_array_index (list, i);
      const char *id = kith_instrument_get_id (instrument);
      const char *licence = kith_instrument_get_licence (instrument);
      const char *domain = kith_instrument_get_domain (instrument);
      const char *subject = kith_instrument_get_subject (instrument);

      g_test_message ("%s: %s, %s", id, licence, domain);
      g_assert_true (g_strv_contains (allowed_licences, licence));
      g_assert_true (g_strv_contains (allowed_domains, domain));
      g_assert_true (g_strcmp0 (subject, "patient") == 0 || g_strcmp0 (subject, "carer") == 0);
      g_assert_nonnull (kith_instrument_get_source (instrument));
      g_assert_cmpuint (strlen (kith_instrument_get_source (instrument)), >, 10);
      g_assert_nonnull (kith_instrument_get_terms (instrument));
      g_assert_cmpuint (strlen (kith_instrument_get_terms (instrument)), >, 10);
      g_assert_nonnull (kith_instrument_get_title (instrument));
      g_assert_cmpstr (kith_instrument_get_title (instrument), !=, "");
      g_assert_nonnull (kith_instrument_get_description (instrument));
      g_assert_cmpstr (kith_instrument_get_version (instrument), ==, "1.0.0");
      /* Kith's own words say so, in the same words everywhere. */
      if (g_str_equal (licence, "kith"))
        g_assert_cmpstr (kith_instrument_get_terms (instrument), ==,
                         "Written for Kith. GPL-3.0-or-later; free to reuse.");
      /* Nothing bundled is "measured elsewhere": those have no items. */
      g_assert_cmpstr (licence, !=, "measured-elsewhere");
    }
}

static void
test_library_facts (void)
{
  static const struct
  {
    const char *id;
    const char *licence;
    const char *domain;
    gboolean    prefill;
    const char *subject;
  } facts[] = {
    { "phq-9", "free-to-use", "emotional", FALSE, "patient" },
    { "phq-2", "free-to-use", "emotional", FALSE, "patient" },
    { "gad-7", "free-to-use", "emotional", FALSE, "patient" },
    { "gad-2", "free-to-use", "emotional", FALSE, "patient" },
    { "care-act-outcomes", "ogl-3.0", "daily-living", TRUE, "patient" },
    { "care-act-carer-outcomes", "ogl-3.0", "carer", TRUE, "carer" },
    { "concerns", "kith", "emotional", FALSE, "patient" },
    { "distress", "kith", "emotional", FALSE, "patient" },
    { "pain", "kith", "health", FALSE, "patient" },
    { "about-me", "kith", "about-me", TRUE, "patient" },
    { "health", "kith", "health", TRUE, "patient" },
    { "social", "kith", "daily-living", TRUE, "patient" },
    { "practical", "kith", "practical", TRUE, "patient" },
    { "carer", "kith", "carer", TRUE, "patient" },
    { "crisis", "kith", "risk", TRUE, "patient" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (facts); i++)
    {
      KithInstrument *instrument = get_instrument (facts[i].id);

      g_test_message ("%s", facts[i].id);
      g_assert_cmpstr (kith_instrument_get_licence (instrument), ==, facts[i].licence);
      g_assert_cmpstr (kith_instrument_get_domain (instrument), ==, facts[i].domain);
      g_assert_cmpint (!!kith_instrument_get_prefill (instrument), ==, facts[i].prefill);
      g_assert_cmpstr (kith_instrument_get_subject (instrument), ==, facts[i].subject);
    }

  g_assert_cmpstr (kith_instrument_get_source (get_instrument ("about-me")), ==,
                   "Structure based on the PRSB About Me standard; wording is Kith's own");
  g_assert_nonnull (strstr (kith_instrument_get_source (get_instrument ("care-act-outcomes")),
                            "SI 2014/2313"));
  g_assert_nonnull (strstr (kith_instrument_get_source (get_instrument ("gad-7")), "Arch Intern Med"));
}

/* --- published wording ------------------------------------------------- */

static void
assert_frequency_item (KithInstrument *instrument,
                       const char     *link_id,
                       const char     *text)
{
  const KithInstrumentItem *item = kith_instrument_lookup_item (instrument, link_id);

  g_assert_nonnull (item);
  g_assert_cmpint (item->type, ==, KITH_ITEM_CHOICE);
  g_assert_true (item->required);
  g_assert_cmpstr (item->text, ==, text);
  g_assert_cmpuint (item->options->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      const KithAnswerOption *option = g_ptr_array_index (item->options, i);

      g_assert_cmpstr (option->system, ==, "http://loinc.org");
      g_assert_cmpstr (option->code, ==, frequency_codes[i]);
      g_assert_true (option->has_ordinal);
      g_assert_cmpfloat (option->ordinal, ==, i);
    }
}

static void
test_published_wording (void)
{
  static const char *gad7_texts[] = {
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid as if something awful might happen",
  };
  KithInstrument *phq9 = get_instrument ("phq-9");
  KithInstrument *phq2 = get_instrument ("phq-2");
  KithInstrument *gad7 = get_instrument ("gad-7");
  KithInstrument *gad2 = get_instrument ("gad-2");

  /* The PHQ-2 is the first two questions of the PHQ-9, word for word. */
  assert_frequency_item (phq2, "phq2-1", kith_instrument_lookup_item (phq9, "phq9-1")->text);
  assert_frequency_item (phq2, "phq2-2", kith_instrument_lookup_item (phq9, "phq9-2")->text);
  g_assert_cmpstr (kith_instrument_lookup_item (phq9, "phq9-1")->text, ==,
                   "Little interest or pleasure in doing things");
  g_assert_cmpstr (kith_instrument_lookup_item (phq9, "phq9-2")->text, ==,
                   "Feeling down, depressed, or hopeless");

  for (guint i = 0; i < G_N_ELEMENTS (gad7_texts); i++)
    {
      g_autofree char *link_id = g_strdup_printf ("gad7-%u", i + 1);

      assert_frequency_item (gad7, link_id, gad7_texts[i]);
    }
  g_assert_null (kith_instrument_lookup_item (gad7, "gad7-8"));
  assert_frequency_item (gad2, "gad2-1", gad7_texts[0]);
  assert_frequency_item (gad2, "gad2-2", gad7_texts[1]);
  g_assert_null (kith_instrument_lookup_item (gad2, "gad2-3"));

  /* The difficulty question is asked but never scored or required. */
  g_assert_false (kith_instrument_lookup_item (gad7, "gad7-difficulty")->required);
}

/* --- PHQ-9 ------------------------------------------------------------- */

static const struct
{
  guint       total;
  const char *band;
} phq9_bands[] = {
  { 0, "minimal" }, { 4, "minimal" },
  { 5, "mild" }, { 9, "mild" },
  { 10, "moderate" }, { 14, "moderate" },
  { 15, "moderately-severe" }, { 19, "moderately-severe" },
  { 20, "severe" }, { 27, "severe" },
};

static void
test_phq9_bands (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (phq9_bands); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_phq9_answers (phq9_bands[i].total);
      g_auto(GStrv) missing = kith_answer_set_list_missing (answers);

      g_test_message ("PHQ-9 total %u", phq9_bands[i].total);
      g_assert_cmpuint (g_strv_length (missing), ==, 0);
      assert_score (answers, "total", phq9_bands[i].total, phq9_bands[i].band);
    }
}

static void
test_phq9_score_facts (void)
{
  g_autoptr(KithAnswerSet) answers = new_phq9_answers (12);
  g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);
  const KithScore *score = find_score (scores, "total");

  g_assert_cmpint (score->max, ==, 27);
  g_assert_cmpstr (score->observation_system, ==, "http://loinc.org");
  g_assert_cmpstr (score->observation_code, ==, "44261-6");
  g_assert_cmpstr (score->band_code, ==, "moderate");
}

static void
test_phq9_item9_alert (void)
{
  g_autoptr(KithAnswerSet) answers = new_answers ("phq-9");
  g_autoptr(GPtrArray) findings = NULL;
  const KithFinding *alert;

  /* Item 9 alone at "several days": total 1, minimal, and still an alert. */
  for (guint i = 1; i <= 8; i++)
    {
      g_autofree char *link_id = g_strdup_printf ("phq9-%u", i);

      put_code (answers, link_id, "LA6568-5");
    }
  put_code (answers, "phq9-9", "LA6569-3");
  assert_score (answers, "total", 1, "minimal");

  findings = evaluate (answers, NULL);
  alert = expect_finding (findings, KITH_FINDING_ALERT, "self-harm");
  g_assert_cmpstr (alert->instrument_id, ==, "phq-9");
  g_assert_true (alert->requires_action);
  g_assert_cmpstr (alert->severity, ==, "high");
  g_assert_nonnull (alert->title);
  g_assert_nonnull (alert->advice);
  g_assert_cmpstr (alert->advice, !=, "");
  g_assert_nonnull (alert->why);
  g_assert_cmpstr (alert->why, !=, "");
  /* The matching need carries it into the plan. */
  assert_need (findings, "keeping-safe");
}

static void
test_phq9_item9_every_level (void)
{
  for (guint level = 0; level < 4; level++)
    {
      g_autoptr(KithAnswerSet) answers = new_phq9_answers (0);
      g_autoptr(GPtrArray) findings = NULL;
      const KithFinding *alert;

      put_code (answers, "phq9-9", frequency_codes[level]);
      findings = evaluate (answers, NULL);
      alert = find_finding (findings, KITH_FINDING_ALERT, "self-harm");
      if (level == 0)
        g_assert_null (alert);
      else
        g_assert_true (alert != NULL && alert->requires_action);
    }
}

static void
test_phq9_no_alert_when_item9_zero (void)
{
  /* A severe total with item 9 at 0 raises no self-harm alert. */
  g_autoptr(KithAnswerSet) answers = new_phq9_answers (24);
  g_autoptr(GPtrArray) findings = NULL;

  g_assert_cmpstr (kith_answer_set_lookup (answers, "phq9-9")->code, ==, "LA6568-5");
  assert_score (answers, "total", 24, "severe");
  findings = evaluate (answers, NULL);
  g_assert_null (find_finding (findings, KITH_FINDING_ALERT, "self-harm"));
  g_assert_cmpuint (count_findings (findings, KITH_FINDING_ALERT), ==, 0);
  assert_no_need (findings, "keeping-safe");
}

static void
test_missing_and_declined (void)
{
  g_autoptr(KithAnswerSet) answers = new_phq9_answers (12);
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) after_decline = NULL;
  g_autoptr(GPtrArray) findings = NULL;

  /* Unanswered: no score (never a silently lower one), and the item is named. */
  put_kind (answers, "phq9-5", KITH_ANSWER_NONE);
  g_assert_null (kith_answer_set_lookup (answers, "phq9-5"));
  assert_score_has_no_value (answers, "total");
  missing = kith_answer_set_list_missing (answers);
  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "phq9-5");

  /* No score, so no needs from it. */
  findings = evaluate (answers, NULL);
  assert_no_need (findings, "emotional-support");

  /* Declined: no longer missing, but still no score. */
  put_kind (answers, "phq9-5", KITH_ANSWER_DECLINED);
  assert_score_has_no_value (answers, "total");
  after_decline = kith_answer_set_list_missing (answers);
  g_assert_cmpuint (g_strv_length (after_decline), ==, 0);

  /* Not assessed: the same. */
  put_kind (answers, "phq9-5", KITH_ANSWER_NOT_ASSESSED);
  assert_score_has_no_value (answers, "total");

  /* Answered again: the score comes back (items 1-4 at 3, item 5 now 2). */
  put_code (answers, "phq9-5", "LA6570-1");
  assert_score (answers, "total", 14, "moderate");
}

static void
test_missing_lists_every_item (void)
{
  g_autoptr(KithAnswerSet) empty = new_answers ("gad-7");
  g_autoptr(KithAnswerSet) pain = new_answers ("pain");
  g_auto(GStrv) missing = kith_answer_set_list_missing (empty);
  g_auto(GStrv) pain_missing = kith_answer_set_list_missing (pain);

  g_assert_cmpuint (g_strv_length (missing), ==, 7);
  for (guint i = 1; i <= 7; i++)
    {
      g_autofree char *link_id = g_strdup_printf ("gad7-%u", i);

      g_assert_true (g_strv_contains ((const char * const *) missing, link_id));
    }
  /* Optional questions are never "missing". */
  g_assert_false (g_strv_contains ((const char * const *) missing, "gad7-difficulty"));
  assert_score_has_no_value (empty, "total");

  g_assert_cmpuint (g_strv_length (pain_missing), ==, 1);
  g_assert_cmpstr (pain_missing[0], ==, "pain-now");
}

/* --- GAD-7 ------------------------------------------------------------- */

static void
test_gad7_bands (void)
{
  static const struct { guint total; const char *band; } bands[] = {
    { 0, "minimal" }, { 4, "minimal" },
    { 5, "mild" }, { 9, "mild" },
    { 10, "moderate" }, { 14, "moderate" },
    { 15, "severe" }, { 21, "severe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bands); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_gad7_answers (bands[i].total);

      g_test_message ("GAD-7 total %u", bands[i].total);
      assert_score (answers, "total", bands[i].total, bands[i].band);
    }

  {
    g_autoptr(KithAnswerSet) answers = new_gad7_answers (21);
    g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);
    const KithScore *score = find_score (scores, "total");

    g_assert_cmpint (score->max, ==, 21);
    g_assert_cmpstr (score->observation_code, ==, "70274-6");
  }
}

static void
test_gad7_missing (void)
{
  g_autoptr(KithAnswerSet) answers = new_gad7_answers (15);
  g_auto(GStrv) missing = NULL;

  put_kind (answers, "gad7-7", KITH_ANSWER_NONE);
  assert_score_has_no_value (answers, "total");
  missing = kith_answer_set_list_missing (answers);
  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "gad7-7");

  put_kind (answers, "gad7-7", KITH_ANSWER_DECLINED);
  assert_score_has_no_value (answers, "total");
}

/* --- PHQ-2 and GAD-2 --------------------------------------------------- */

static void
check_screen (const char *screen,
              const char *prefix,
              const char *full)
{
  static const struct { guint total; const char *band; gboolean offer; } cases[] = {
    { 0, "negative", FALSE }, { 2, "negative", FALSE },
    { 3, "positive", TRUE }, { 6, "positive", TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_frequency_answers (screen, prefix, 2, NULL, cases[i].total);
      g_autoptr(GPtrArray) findings = NULL;
      const KithFinding *offer;

      g_test_message ("%s total %u", screen, cases[i].total);
      assert_score (answers, "total", cases[i].total, cases[i].band);
      findings = evaluate (answers, NULL);
      if (!cases[i].offer)
        {
          g_assert_cmpuint (count_findings (findings, KITH_FINDING_OFFER), ==, 0);
          continue;
        }
      g_assert_cmpuint (count_findings (findings, KITH_FINDING_OFFER), ==, 1);
      offer = expect_finding (findings, KITH_FINDING_OFFER, full);
      g_assert_cmpstr (offer->instrument_id, ==, screen);
      g_assert_cmpstr (offer->offer_instrument, ==, full);
      g_assert_nonnull (kith_instrument_library_lookup (get_library (), offer->offer_instrument));
      g_assert_nonnull (offer->title);
      g_assert_nonnull (offer->why);
      g_assert_cmpstr (offer->why, !=, "");
      /* A screen offers the full instrument; it does not raise the need. */
      assert_no_need (findings, "emotional-support");
    }

  {
    g_autoptr(KithAnswerSet) answers = new_frequency_answers (screen, prefix, 2, NULL, 6);
    g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);

    g_assert_cmpint (find_score (scores, "total")->max, ==, 6);
  }
}

static void
test_phq2_screen (void)
{
  g_autoptr(KithAnswerSet) answers = new_frequency_answers ("phq-2", "phq2", 2, NULL, 3);
  g_autoptr(GPtrArray) findings = evaluate (answers, NULL);
  g_autoptr(GPtrArray) scores = kith_answer_set_score (answers);
  const KithFinding *offer = expect_finding (findings, KITH_FINDING_OFFER, "phq-9");

  check_screen ("phq-2", "phq2", "phq-9");
  g_assert_cmpstr (offer->title, ==, "Positive screen: offer the full PHQ-9");
  g_assert_cmpstr (find_score (scores, "total")->observation_code, ==, "55758-7");
}

static void
test_gad2_screen (void)
{
  check_screen ("gad-2", "gad2", "gad-7");
}

static void
test_screen_missing (void)
{
  g_autoptr(KithAnswerSet) answers = new_answers ("phq-2");
  g_autoptr(GPtrArray) findings = NULL;
  g_auto(GStrv) missing = NULL;

  /* One item at 3 is not a positive screen until the other is answered. */
  put_code (answers, "phq2-1", "LA6571-9");
  assert_score_has_no_value (answers, "total");
  missing = kith_answer_set_list_missing (answers);
  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "phq2-2");
  findings = evaluate (answers, NULL);
  g_assert_cmpuint (count_findings (findings, KITH_FINDING_OFFER), ==, 0);
}

/* --- Care Act outcomes --------------------------------------------------- */

static const char *adult_outcomes[] = {
  "nutrition", "hygiene", "toilet", "clothing", "home-safety",
  "habitable-home", "relationships", "work", "community", "caring-for-child",
};

/* @not_achieved outcomes rated @rating, the rest "achieves" (no children). */
static KithAnswerSet *
new_adult_outcomes (guint       not_achieved,
                    const char *rating,
                    gboolean    wellbeing_impact)
{
  KithAnswerSet *answers = new_answers ("care-act-outcomes");

  for (guint i = 0; i < G_N_ELEMENTS (adult_outcomes); i++)
    {
      const char *code = i < not_achieved ? rating : "achieves";

      if (g_str_equal (adult_outcomes[i], "caring-for-child") && i >= not_achieved)
        code = "not-applicable";
      put_code (answers, adult_outcomes[i], code);
    }
  put_boolean (answers, "wellbeing-impact", wellbeing_impact);
  return answers;
}

static gboolean
has_likely_eligible (KithAnswerSet *answers,
                     const char    *instrument_id)
{
  g_autoptr(GPtrArray) findings = evaluate (answers, NULL);
  const KithFinding *indication = find_finding (findings, KITH_FINDING_INDICATION, "likely-eligible");

  if (indication == NULL)
    return FALSE;
  g_assert_cmpstr (indication->instrument_id, ==, instrument_id);
  /* A note, never a decision. */
  g_assert_cmpstr (indication->title, ==, "Likely eligible: needs a social care assessment");
  g_assert_nonnull (indication->why);
  g_assert_cmpstr (indication->why, !=, "");
  return TRUE;
}

static void
test_care_act_outcomes (void)
{
  static const char *ratings[] = { "needs-help", "pain-distress", "dangerous", "takes-longer" };

  for (guint r = 0; r < G_N_ELEMENTS (ratings); r++)
    {
      g_autoptr(KithAnswerSet) none = new_adult_outcomes (0, ratings[r], TRUE);
      g_autoptr(KithAnswerSet) one = new_adult_outcomes (1, ratings[r], TRUE);
      g_autoptr(KithAnswerSet) two = new_adult_outcomes (2, ratings[r], TRUE);
      g_autoptr(KithAnswerSet) two_no_impact = new_adult_outcomes (2, ratings[r], FALSE);
      g_autoptr(KithAnswerSet) all = new_adult_outcomes (10, ratings[r], TRUE);

      g_test_message ("rating %s", ratings[r]);
      assert_score (none, "not-achieved", 0, NULL);
      assert_score (one, "not-achieved", 1, NULL);
      assert_score (two, "not-achieved", 2, NULL);
      assert_score (all, "not-achieved", 10, NULL);

      g_assert_false (has_likely_eligible (none, "care-act-outcomes"));
      g_assert_false (has_likely_eligible (one, "care-act-outcomes"));
      g_assert_true (has_likely_eligible (two, "care-act-outcomes"));
      g_assert_false (has_likely_eligible (two_no_impact, "care-act-outcomes"));
      g_assert_true (has_likely_eligible (all, "care-act-outcomes"));
    }
}

static void
test_care_act_outcomes_missing (void)
{
  g_autoptr(KithAnswerSet) answers = new_adult_outcomes (3, "needs-help", TRUE);
  g_auto(GStrv) missing = NULL;
  g_autoptr(GPtrArray) scores = NULL;

  scores = kith_answer_set_score (answers);
  g_assert_cmpint (find_score (scores, "not-achieved")->max, ==, 10);

  /* An outcome not yet rated: no count, so no indication. */
  put_kind (answers, "community", KITH_ANSWER_NONE);
  assert_score_has_no_value (answers, "not-achieved");
  g_assert_false (has_likely_eligible (answers, "care-act-outcomes"));
  missing = kith_answer_set_list_missing (answers);
  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "community");

  /* The wellbeing question is required too. */
  {
    g_autoptr(KithAnswerSet) no_wellbeing = new_adult_outcomes (3, "needs-help", TRUE);
    g_auto(GStrv) missing_wellbeing = NULL;

    put_kind (no_wellbeing, "wellbeing-impact", KITH_ANSWER_NONE);
    missing_wellbeing = kith_answer_set_list_missing (no_wellbeing);
    g_assert_true (g_strv_contains ((const char * const *) missing_wellbeing, "wellbeing-impact"));
    g_assert_false (has_likely_eligible (no_wellbeing, "care-act-outcomes"));
  }
}

static void
test_care_act_not_applicable (void)
{
  KithInstrument *instrument = get_instrument ("care-act-outcomes");
  g_autoptr(KithAnswerSet) answers = new_adult_outcomes (1, "needs-help", TRUE);
  KithAnswer not_applicable = { .kind = KITH_ANSWER_CODE, .code = (char *) "not-applicable" };
  g_autoptr(GError) error = NULL;

  /* "Does not apply" is for caring for a child only, and does not count. */
  put_code (answers, "caring-for-child", "not-applicable");
  assert_score (answers, "not-achieved", 1, NULL);
  put_code (answers, "caring-for-child", "needs-help");
  assert_score (answers, "not-achieved", 2, NULL);
  g_assert_false (kith_instrument_check_answer (instrument, "nutrition", &not_applicable, &error));
  g_assert_error (error, KITH_INSTRUMENT_ERROR, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
}

static const char *carer_outcomes[] = {
  "caring-for-child", "caring-for-others", "habitable-home", "nutrition",
  "relationships", "work", "community", "recreation",
};

static KithAnswerSet *
new_carer_outcomes (guint    not_achieved,
                    gboolean health_at_risk,
                    gboolean wellbeing_impact)
{
  KithAnswerSet *answers = new_answers ("care-act-carer-outcomes");

  for (guint i = 0; i < G_N_ELEMENTS (carer_outcomes); i++)
    put_code (answers, carer_outcomes[i], i < not_achieved ? "cannot-achieve" : "achieves");
  put_boolean (answers, "health-at-risk", health_at_risk);
  put_boolean (answers, "wellbeing-impact", wellbeing_impact);
  return answers;
}

static void
test_care_act_carer_outcomes (void)
{
  static const struct
  {
    guint    not_achieved;
    gboolean health_at_risk;
    gboolean wellbeing_impact;
    gboolean likely_eligible;
  } cases[] = {
    { 0, FALSE, TRUE, FALSE },
    { 1, FALSE, TRUE, TRUE },
    { 1, FALSE, FALSE, FALSE },
    { 0, TRUE, TRUE, TRUE },
    { 0, TRUE, FALSE, FALSE },
    { 0, FALSE, FALSE, FALSE },
    { 3, TRUE, TRUE, TRUE },
    { 8, FALSE, TRUE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_carer_outcomes (cases[i].not_achieved,
                                                             cases[i].health_at_risk,
                                                             cases[i].wellbeing_impact);

      g_test_message ("carer: %u not achieved, health at risk %d, wellbeing %d",
                      cases[i].not_achieved, cases[i].health_at_risk, cases[i].wellbeing_impact);
      assert_score (answers, "not-achieved", cases[i].not_achieved, NULL);
      g_assert_cmpint (has_likely_eligible (answers, "care-act-carer-outcomes"), ==,
                       cases[i].likely_eligible);
    }

  /* "Does not apply" does not count. */
  {
    g_autoptr(KithAnswerSet) answers = new_carer_outcomes (0, FALSE, TRUE);
    g_autoptr(GPtrArray) scores = NULL;

    put_code (answers, "caring-for-child", "not-applicable");
    put_code (answers, "caring-for-others", "not-applicable");
    assert_score (answers, "not-achieved", 0, NULL);
    g_assert_false (has_likely_eligible (answers, "care-act-carer-outcomes"));
    scores = kith_answer_set_score (answers);
    g_assert_cmpint (find_score (scores, "not-achieved")->max, ==, 8);
  }
}

/* --- checking answers --------------------------------------------------- */

static void
assert_refused (const char       *instrument_id,
                const char       *link_id,
                const KithAnswer *answer,
                int               code)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("%s:%s", instrument_id, link_id);
  g_assert_false (kith_instrument_check_answer (get_instrument (instrument_id), link_id, answer, &error));
  g_assert_error (error, KITH_INSTRUMENT_ERROR, code);
}

static void
assert_accepted (const char       *instrument_id,
                 const char       *link_id,
                 const KithAnswer *answer)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("%s:%s", instrument_id, link_id);
  g_assert_true (kith_instrument_check_answer (get_instrument (instrument_id), link_id, answer, &error));
  g_assert_no_error (error);
}

static void
test_check_answer (void)
{
  KithAnswer unknown_code = { .kind = KITH_ANSWER_CODE, .code = (char *) "LA0000-0" };
  KithAnswer good_code = { .kind = KITH_ANSWER_CODE, .code = (char *) "LA6571-9" };
  KithAnswer adult_only = { .kind = KITH_ANSWER_CODE, .code = (char *) "needs-help" };
  KithAnswer carer_only = { .kind = KITH_ANSWER_CODE, .code = (char *) "cannot-achieve" };
  KithAnswer integer_11 = { .kind = KITH_ANSWER_INTEGER, .integer = 11 };
  KithAnswer integer_10 = { .kind = KITH_ANSWER_INTEGER, .integer = 10 };
  KithAnswer integer_0 = { .kind = KITH_ANSWER_INTEGER, .integer = 0 };
  KithAnswer integer_minus_1 = { .kind = KITH_ANSWER_INTEGER, .integer = -1 };
  KithAnswer yes = { .kind = KITH_ANSWER_BOOLEAN, .integer = 1 };
  KithAnswer words = { .kind = KITH_ANSWER_TEXT, .text = (char *) "My daughter, any time" };

  /* Not one of the options. */
  assert_refused ("phq-9", "phq9-1", &unknown_code, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("gad-7", "gad7-3", &unknown_code, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("care-act-outcomes", "hygiene", &carer_only, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("care-act-carer-outcomes", "recreation", &adult_only, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_accepted ("phq-9", "phq9-9", &good_code);

  /* Out of range. */
  assert_refused ("pain", "pain-now", &integer_11, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("pain", "pain-worst", &integer_11, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("pain", "pain-now", &integer_minus_1, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("distress", "distress", &integer_minus_1, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("distress", "distress", &integer_11, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_accepted ("pain", "pain-now", &integer_10);
  assert_accepted ("pain", "pain-now", &integer_0);
  assert_accepted ("distress", "distress", &integer_10);
  assert_accepted ("distress", "distress", &integer_0);

  /* The wrong kind of answer. */
  assert_refused ("phq-9", "phq9-1", &integer_0, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_refused ("pain", "pain-now", &good_code, KITH_INSTRUMENT_ERROR_INVALID_ANSWER);
  assert_accepted ("crisis", "who-to-call", &words);
  assert_accepted ("social", "money-worries", &yes);

  /* No such question. */
  assert_refused ("phq-9", "phq9-10", &good_code, KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM);
  assert_refused ("pain", "pain-yesterday", &integer_0, KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM);
  assert_refused ("gad-2", "gad7-1", &good_code, KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM);
}

/* --- Kith's own ratings ------------------------------------------------ */

static void
test_distress_bands (void)
{
  static const struct { int value; const char *band; } cases[] = {
    { 0, "low" }, { 3, "low" }, { 4, "moderate" }, { 6, "moderate" }, { 7, "high" }, { 10, "high" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_answers ("distress");

      put_integer (answers, "distress", cases[i].value);
      assert_score (answers, "total", cases[i].value, cases[i].band);
    }
}

static void
test_pain_bands (void)
{
  static const struct { int value; const char *band; } cases[] = {
    { 0, "none" }, { 1, "mild" }, { 3, "mild" }, { 4, "moderate" }, { 6, "moderate" },
    { 7, "severe" }, { 10, "severe" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KithAnswerSet) answers = new_answers ("pain");

      /* The worst pain is asked, but the score is pain now. */
      put_integer (answers, "pain-now", cases[i].value);
      put_integer (answers, "pain-worst", 10);
      assert_score (answers, "total", cases[i].value, cases[i].band);
    }
}

/* --- needs rules --------------------------------------------------------- */

static void
test_need_emotional_support (void)
{
  /* PHQ-9: 9 no, 10 yes. */
  {
    g_autoptr(KithAnswerSet) nine = new_phq9_answers (9);
    g_autoptr(KithAnswerSet) ten = new_phq9_answers (10);
    g_autoptr(GPtrArray) quiet = evaluate (nine, NULL);
    g_autoptr(GPtrArray) fired = evaluate (ten, NULL);
    const KithFinding *need;

    assert_no_need (quiet, "emotional-support");
    need = assert_need (fired, "emotional-support");
    g_assert_null (need->instrument_id);
    g_assert_cmpstr (need->advice, ==, "emotional");
    g_assert_nonnull (strstr (need->why, "PHQ-9"));
    g_assert_nonnull (strstr (need->why, "10"));
  }

  /* GAD-7: 9 no, 10 yes. */
  {
    g_autoptr(KithAnswerSet) nine = new_gad7_answers (9);
    g_autoptr(KithAnswerSet) ten = new_gad7_answers (10);
    g_autoptr(GPtrArray) quiet = evaluate (nine, NULL);
    g_autoptr(GPtrArray) fired = evaluate (ten, NULL);
    const KithFinding *need;

    assert_no_need (quiet, "emotional-support");
    need = assert_need (fired, "emotional-support");
    g_assert_nonnull (strstr (need->why, "GAD-7"));
    g_assert_nonnull (strstr (need->why, "10"));
  }

  /* Both below 10 together: still no need. Both at 10 and above: one need. */
  {
    g_autoptr(KithAnswerSet) phq9 = new_phq9_answers (9);
    g_autoptr(KithAnswerSet) gad7 = new_gad7_answers (9);
    g_autoptr(GPtrArray) quiet = evaluate (phq9, gad7, NULL);
    g_autoptr(KithAnswerSet) phq9_high = new_phq9_answers (16);
    g_autoptr(KithAnswerSet) gad7_high = new_gad7_answers (12);
    g_autoptr(GPtrArray) fired = evaluate (phq9_high, gad7_high, NULL);
    guint n = 0;

    assert_no_need (quiet, "emotional-support");
    assert_need (fired, "emotional-support");
    for (guint i = 0; i < fired->len; i++)
      {
        const KithFinding *finding = g_ptr_array_index (fired, i);

        if (finding->kind == KITH_FINDING_NEED && g_str_equal (finding->name, "emotional-support"))
          n++;
      }
    g_assert_cmpuint (n, ==, 1);
  }
}

static void
test_need_social_care_assessment (void)
{
  g_autoptr(KithAnswerSet) one = new_adult_outcomes (1, "needs-help", TRUE);
  g_autoptr(KithAnswerSet) two = new_adult_outcomes (2, "needs-help", TRUE);
  g_autoptr(KithAnswerSet) two_no_impact = new_adult_outcomes (2, "needs-help", FALSE);
  g_autoptr(GPtrArray) quiet = evaluate (one, NULL);
  g_autoptr(GPtrArray) fired = evaluate (two, NULL);
  g_autoptr(GPtrArray) quiet_too = evaluate (two_no_impact, NULL);
  const KithFinding *need;

  assert_no_need (quiet, "social-care-assessment");
  need = assert_need (fired, "social-care-assessment");
  g_assert_nonnull (strstr (need->why, "2"));
  assert_no_need (quiet_too, "social-care-assessment");
  /* One daily-living need per outcome not achieved, whatever the count. */
  assert_need (quiet, "help-with-meals");
  assert_need (fired, "help-with-meals");
  assert_need (fired, "help-washing-dressing");
  assert_no_need (fired, "help-with-toilet");
  assert_no_need (fired, "caring-for-child");
}

static void
test_need_scored_ratings (void)
{
  static const struct
  {
    const char *instrument;
    const char *link_id;
    const char *rule;
    int         quiet;
    int         fires;
  } cases[] = {
    { "pain", "pain-now", "pain-support", 3, 4 },
    { "distress", "distress", "distress-support", 6, 7 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KithAnswerSet) low = new_answers (cases[i].instrument);
      g_autoptr(KithAnswerSet) high = new_answers (cases[i].instrument);
      g_autoptr(GPtrArray) quiet = NULL;
      g_autoptr(GPtrArray) fired = NULL;
      g_autofree char *value = g_strdup_printf ("%d", cases[i].fires);
      const KithFinding *need;

      put_integer (low, cases[i].link_id, cases[i].quiet);
      put_integer (high, cases[i].link_id, cases[i].fires);
      quiet = evaluate (low, NULL);
      fired = evaluate (high, NULL);
      assert_no_need (quiet, cases[i].rule);
      need = assert_need (fired, cases[i].rule);
      g_assert_nonnull (strstr (need->why, value));
    }
}

/* Needs from single answers. Each scenario is "instrument:linkId=value"
 * answers separated by "|"; the value is a code, "true"/"false", a number
 * or words, by the item's type. */
typedef struct
{
  const char *rule;
  const char *fires[4];
  const char *quiet[4];
} NeedCase;

static const NeedCase need_cases[] = {
  { "keeping-safe",
    { "phq-9:phq9-9=LA6569-3", "phq-9:phq9-9=LA6571-9" },
    { "phq-9:phq9-9=LA6568-5", "phq-9:phq9-1=LA6571-9" } },
  { "memory-concerns",
    { "concerns:memory=true" },
    { "concerns:memory=false", "concerns:worry=true" } },
  { "spiritual-support",
    { "concerns:spiritual=true" },
    { "concerns:spiritual=false" } },
  { "loneliness",
    { "social:lonely=often", "concerns:loneliness=true", "social:lonely=never|concerns:loneliness=true" },
    { "social:lonely=sometimes", "social:lonely=never|concerns:loneliness=false" } },
  { "help-with-meals",
    { "care-act-outcomes:nutrition=needs-help", "care-act-outcomes:nutrition=takes-longer" },
    { "care-act-outcomes:nutrition=achieves", "care-act-outcomes:hygiene=needs-help" } },
  { "help-washing-dressing",
    { "care-act-outcomes:hygiene=pain-distress", "care-act-outcomes:clothing=needs-help",
      "care-act-outcomes:hygiene=achieves|care-act-outcomes:clothing=dangerous" },
    { "care-act-outcomes:hygiene=achieves|care-act-outcomes:clothing=achieves" } },
  { "help-with-toilet",
    { "care-act-outcomes:toilet=dangerous" },
    { "care-act-outcomes:toilet=achieves" } },
  { "home-safety",
    { "care-act-outcomes:home-safety=dangerous" },
    { "care-act-outcomes:home-safety=achieves" } },
  { "habitable-home",
    { "care-act-outcomes:habitable-home=needs-help" },
    { "care-act-outcomes:habitable-home=achieves" } },
  { "keeping-in-touch",
    { "care-act-outcomes:relationships=pain-distress" },
    { "care-act-outcomes:relationships=achieves" } },
  { "work-learning-volunteering",
    { "care-act-outcomes:work=needs-help" },
    { "care-act-outcomes:work=achieves" } },
  { "getting-out",
    { "care-act-outcomes:community=takes-longer" },
    { "care-act-outcomes:community=achieves" } },
  { "caring-for-child",
    { "care-act-outcomes:caring-for-child=needs-help" },
    { "care-act-outcomes:caring-for-child=achieves", "care-act-outcomes:caring-for-child=not-applicable" } },
  { "housing-help",
    { "social:housing=homeless-or-at-risk" },
    { "social:housing=rented", "social:housing=own-home" } },
  { "financial-advice",
    { "social:money-worries=true", "concerns:money=true", "social:money-worries=false|concerns:money=true" },
    { "social:money-worries=false", "social:money-worries=false|concerns:money=false" } },
  { "interpreter",
    { "social:interpreter=true" },
    { "social:interpreter=false" } },
  { "carer-support",
    { "carer:carer-able=no", "carer:carer-able=with-support",
      "carer:carer-able=yes|carer:carer-health-at-risk=true" },
    { "carer:carer-able=yes|carer:carer-health-at-risk=false", "carer:has-carer=false" } },
  { "carers-assessment-offer",
    { "carer:has-carer=true|carer:carer-assessed=false" },
    { "carer:has-carer=true|carer:carer-assessed=true", "carer:has-carer=false|carer:carer-assessed=false" } },
  { "falls-medicines-review",
    { "health:falls=two-or-more", "health:fear-of-falling=true", "concerns:fear-of-falling=true" },
    { "health:falls=one|health:fear-of-falling=false", "health:falls=none" } },
  { "medicines-review",
    { "health:medicines-review-due=true" },
    { "health:medicines-review-due=false" } },
  { "continence-support",
    { "health:continence=true" },
    { "health:continence=false" } },
  { "sleep-support",
    { "health:sleep=true", "concerns:sleep=true" },
    { "health:sleep=false|concerns:sleep=false" } },
  { "equipment-adaptations",
    { "practical:adaptations-needed=true" },
    { "practical:adaptations-needed=false" } },
  { "transport",
    { "practical:transport-difficulties=true" },
    { "practical:transport-difficulties=false" } },
  { "telecare",
    { "practical:telecare=would-like" },
    { "practical:telecare=has", "practical:telecare=not-needed" } },
  { "crisis-plan",
    { "distress:distress=7", "carer:carer-able=no", "phq-9:phq9-9=LA6569-3" },
    { "distress:distress=6", "distress:distress=9|crisis:who-to-call=My son, 07700 900123",
      "carer:carer-able=no|crisis:who-to-call=The out-of-hours team" } },
  { "pain-support",
    { "pain:pain-now=4", "pain:pain-now=10" },
    { "pain:pain-now=3", "pain:pain-now=0|pain:pain-worst=10" } },
  { "distress-support",
    { "distress:distress=7" },
    { "distress:distress=6" } },
};

/* Rules tested by their own functions above. */
static const char *needs_tested_elsewhere[] = {
  "emotional-support", "social-care-assessment", NULL,
};

static KithAnswerSet *
scenario_answers (GPtrArray  *sets,
                  const char *instrument_id)
{
  KithAnswerSet *answers;

  for (guint i = 0; i < sets->len; i++)
    {
      answers = g_ptr_array_index (sets, i);
      if (g_str_equal (kith_instrument_get_id (kith_answer_set_get_instrument (answers)), instrument_id))
        return answers;
    }
  answers = new_answers (instrument_id);
  g_ptr_array_add (sets, answers);
  return answers;
}

static GPtrArray *
evaluate_scenario (const char *scenario)
{
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func (free_answers);
  g_auto(GStrv) answers = g_strsplit (scenario, "|", -1);

  for (guint i = 0; answers[i] != NULL; i++)
    {
      const char *colon = strchr (answers[i], ':');
      const char *equals = strchr (answers[i], '=');
      g_autofree char *instrument_id = NULL;
      g_autofree char *link_id = NULL;
      const KithInstrumentItem *item;
      KithAnswerSet *set;
      const char *value;

      g_assert_true (colon != NULL && equals != NULL && colon < equals);
      instrument_id = g_strndup (answers[i], colon - answers[i]);
      link_id = g_strndup (colon + 1, equals - colon - 1);
      value = equals + 1;
      set = scenario_answers (sets, instrument_id);
      item = kith_instrument_lookup_item (kith_answer_set_get_instrument (set), link_id);
      if (item == NULL)
        g_error ("%s: no item %s", instrument_id, link_id);
      switch (item->type)
        {
        case KITH_ITEM_CHOICE:
          put_code (set, link_id, value);
          break;
        case KITH_ITEM_BOOLEAN:
          g_assert_true (g_str_equal (value, "true") || g_str_equal (value, "false"));
          put_boolean (set, link_id, g_str_equal (value, "true"));
          break;
        case KITH_ITEM_INTEGER:
          put_integer (set, link_id, atoi (value));
          break;
        case KITH_ITEM_STRING:
        case KITH_ITEM_TEXT:
        case KITH_ITEM_DATE:
          put_text (set, link_id, value);
          break;
        case KITH_ITEM_GROUP:
        case KITH_ITEM_DISPLAY:
        default:
          g_error ("%s:%s cannot be answered", instrument_id, link_id);
        }
    }

  return kith_instrument_library_evaluate (get_library (), sets);
}

static void
test_needs_rules (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (need_cases); i++)
    {
      const NeedCase *c = &need_cases[i];

      for (guint j = 0; j < G_N_ELEMENTS (c->fires) && c->fires[j] != NULL; j++)
        {
          g_autoptr(GPtrArray) findings = evaluate_scenario (c->fires[j]);

          g_test_message ("%s fires on %s", c->rule, c->fires[j]);
          assert_need (findings, c->rule);
        }
      for (guint j = 0; j < G_N_ELEMENTS (c->quiet) && c->quiet[j] != NULL; j++)
        {
          g_autoptr(GPtrArray) findings = evaluate_scenario (c->quiet[j]);

          g_test_message ("%s is quiet on %s", c->rule, c->quiet[j]);
          assert_no_need (findings, c->rule);
        }
    }
}

static void
test_needs_nothing_from_nothing (void)
{
  /* Empty answers raise no needs, alerts, offers or indications. (The crisis
   * plan need waits for a sign that a crisis could come.) */
  g_autoptr(GPtrArray) sets = g_ptr_array_new_with_free_func (free_answers);
  g_autoptr(GPtrArray) list = kith_instrument_library_list (get_library ());
  g_autoptr(GPtrArray) findings = NULL;

  for (guint i = 0; i < list->len; i++)
    g_ptr_array_add (sets, kith_answer_set_new (g_ptr_array_index (list, i)));
  findings = kith_instrument_library_evaluate (get_library (), sets);
  for (guint i = 0; i < findings->len; i++)
    g_test_message ("unexpected: %s", ((KithFinding *) g_ptr_array_index (findings, i))->name);
  g_assert_cmpuint (findings->len, ==, 0);
}

static void
test_needs_file (void)
{
  const char *root = g_getenv ("KITH_SOURCE_ROOT");
  g_autofree char *path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *root_object;
  JsonArray *rules;

  if (root == NULL)
    {
      g_test_skip ("KITH_SOURCE_ROOT is not set");
      return;
    }
  path = g_build_filename (root, "data", "rules", "needs.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root_object = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root_object, "format"), ==, "kith-needs-rules");
  g_assert_cmpint (json_object_get_int_member (root_object, "version"), ==, 1);
  rules = json_object_get_array_member (root_object, "rules");
  g_assert_cmpuint (json_array_get_length (rules), >=, 10);

  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      JsonObject *rule = json_array_get_object_element (rules, i);
      const char *id = json_object_get_string_member (rule, "id");
      JsonArray *options = json_object_get_array_member (rule, "options");
      gboolean tested = g_strv_contains (needs_tested_elsewhere, id);

      g_test_message ("needs rule %s", id);
      g_assert_true (g_hash_table_add (ids, (gpointer) id));
      g_assert_cmpstr (json_object_get_string_member (rule, "title"), !=, "");
      g_assert_cmpstr (json_object_get_string_member (rule, "when"), !=, "");
      g_assert_true (g_strv_contains (allowed_domains, json_object_get_string_member (rule, "domain")));
      g_assert_cmpuint (json_array_get_length (options), >, 0);

      /* Every rule has a test that makes it fire, and one that keeps it quiet. */
      for (guint j = 0; j < G_N_ELEMENTS (need_cases) && !tested; j++)
        tested = g_str_equal (need_cases[j].rule, id) &&
                 need_cases[j].fires[0] != NULL && need_cases[j].quiet[0] != NULL;
      if (!tested)
        g_error ("needs rule “%s” has no test in test-instruments.c", id);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/instruments/library/every-file", test_library_lists_every_file);
  g_test_add_func ("/instruments/library/terms", test_library_terms);
  g_test_add_func ("/instruments/library/facts", test_library_facts);
  g_test_add_func ("/instruments/published-wording", test_published_wording);
  g_test_add_func ("/instruments/phq-9/bands", test_phq9_bands);
  g_test_add_func ("/instruments/phq-9/score-facts", test_phq9_score_facts);
  g_test_add_func ("/instruments/phq-9/item-9-alert", test_phq9_item9_alert);
  g_test_add_func ("/instruments/phq-9/item-9-every-level", test_phq9_item9_every_level);
  g_test_add_func ("/instruments/phq-9/no-alert-when-item-9-zero", test_phq9_no_alert_when_item9_zero);
  g_test_add_func ("/instruments/phq-9/missing-and-declined", test_missing_and_declined);
  g_test_add_func ("/instruments/missing-lists-every-item", test_missing_lists_every_item);
  g_test_add_func ("/instruments/gad-7/bands", test_gad7_bands);
  g_test_add_func ("/instruments/gad-7/missing", test_gad7_missing);
  g_test_add_func ("/instruments/phq-2/screen", test_phq2_screen);
  g_test_add_func ("/instruments/gad-2/screen", test_gad2_screen);
  g_test_add_func ("/instruments/screen-missing", test_screen_missing);
  g_test_add_func ("/instruments/care-act/outcomes", test_care_act_outcomes);
  g_test_add_func ("/instruments/care-act/missing", test_care_act_outcomes_missing);
  g_test_add_func ("/instruments/care-act/not-applicable", test_care_act_not_applicable);
  g_test_add_func ("/instruments/care-act/carer-outcomes", test_care_act_carer_outcomes);
  g_test_add_func ("/instruments/check-answer", test_check_answer);
  g_test_add_func ("/instruments/distress/bands", test_distress_bands);
  g_test_add_func ("/instruments/pain/bands", test_pain_bands);
  g_test_add_func ("/instruments/needs/emotional-support", test_need_emotional_support);
  g_test_add_func ("/instruments/needs/social-care-assessment", test_need_social_care_assessment);
  g_test_add_func ("/instruments/needs/scored-ratings", test_need_scored_ratings);
  g_test_add_func ("/instruments/needs/rules", test_needs_rules);
  g_test_add_func ("/instruments/needs/nothing-from-nothing", test_needs_nothing_from_nothing);
  g_test_add_func ("/instruments/needs/file", test_needs_file);

  return g_test_run ();
}
