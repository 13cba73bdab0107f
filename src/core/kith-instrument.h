/* kith-instrument.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_INSTRUMENT_ERROR (kith_instrument_error_quark ())

typedef enum
{
  KITH_INSTRUMENT_ERROR_INVALID_DEFINITION, /* a broken instrument file */
  KITH_INSTRUMENT_ERROR_INVALID_RULE,       /* a rule that does not parse */
  KITH_INSTRUMENT_ERROR_UNKNOWN_INSTRUMENT,
  KITH_INSTRUMENT_ERROR_UNKNOWN_ITEM,       /* an answer to no such question */
  KITH_INSTRUMENT_ERROR_INVALID_ANSWER,     /* out of range, not an option, wrong type */
  KITH_INSTRUMENT_ERROR_MISSING_ITEM,       /* a required question unanswered */
  KITH_INSTRUMENT_ERROR_NOT_A_RESPONSE,     /* not a QuestionnaireResponse */
} KithInstrumentError;

typedef enum
{
  KITH_ITEM_GROUP,
  KITH_ITEM_DISPLAY,
  KITH_ITEM_CHOICE,
  KITH_ITEM_INTEGER,
  KITH_ITEM_BOOLEAN,
  KITH_ITEM_STRING,
  KITH_ITEM_TEXT,
  KITH_ITEM_DATE,
} KithItemType;

typedef struct
{
  char     *system;
  char     *code;
  char     *display;
  double    ordinal;
  gboolean  has_ordinal;
} KithAnswerOption;

typedef struct
{
  char         *link_id;
  char         *prefix;      /* "1." or NULL */
  char         *text;
  KithItemType  type;
  gboolean      required;
  guint         depth;       /* 0 for top-level items, 1 inside a group… */
  int           min_value;   /* integer items */
  int           max_value;
  GPtrArray    *options;     /* KithAnswerOption, choice items */
} KithInstrumentItem;

/* An answer as the engine sees it. */
typedef enum
{
  KITH_ANSWER_NONE,
  KITH_ANSWER_CODE,          /* a choice: @code (and its option) */
  KITH_ANSWER_INTEGER,
  KITH_ANSWER_BOOLEAN,
  KITH_ANSWER_TEXT,          /* string, text and date items */
  KITH_ANSWER_DECLINED,      /* the person chose not to answer */
  KITH_ANSWER_NOT_ASSESSED,  /* the professional did not ask */
} KithAnswerKind;

typedef struct
{
  KithAnswerKind kind;
  char          *code;       /* KITH_ANSWER_CODE */
  int            integer;    /* KITH_ANSWER_INTEGER; also BOOLEAN (0/1) */
  char          *text;       /* KITH_ANSWER_TEXT */
  gboolean       carried_over; /* prefilled from the last assessment, not yet confirmed */
} KithAnswer;

typedef struct
{
  char     *name;            /* "total" */
  char     *title;           /* "PHQ-9 score" */
  gboolean  has_value;       /* FALSE until every counted item is answered */
  double    value;
  int       max;             /* -1 when not given */
  char     *band_code;       /* NULL when no band applies */
  char     *band_title;
  char     *observation_system;
  char     *observation_code;
  char     *observation_display;
} KithScore;

typedef enum
{
  KITH_FINDING_ALERT,
  KITH_FINDING_OFFER,
  KITH_FINDING_INDICATION,
  KITH_FINDING_NEED,
} KithFindingKind;

/* Something a rule found: a safety alert, an offer of a fuller instrument,
 * an indication ("likely eligible…") or a proposed need. */
typedef struct
{
  KithFindingKind kind;
  char     *instrument_id;   /* the instrument that defines it; NULL for needs */
  char     *name;            /* unique within its instrument, or the need rule id */
  char     *title;
  char     *advice;          /* alerts: what to do now; needs: the domain */
  char     *severity;        /* alerts */
  gboolean  requires_action; /* alerts */
  char     *offer_instrument;/* offers */
  char     *why;             /* plain words: what made the rule fire */
} KithFinding;

#define KITH_TYPE_INSTRUMENT (kith_instrument_get_type ())
G_DECLARE_FINAL_TYPE (KithInstrument, kith_instrument, KITH, INSTRUMENT, GObject)

GQuark              kith_instrument_error_quark     (void);

KithInstrument     *kith_instrument_new_from_json   (JsonObject          *questionnaire,
                                                     GError             **error);
JsonObject         *kith_instrument_get_questionnaire (KithInstrument    *self);
const char         *kith_instrument_get_id          (KithInstrument      *self);
const char         *kith_instrument_get_url         (KithInstrument      *self);
const char         *kith_instrument_get_title       (KithInstrument      *self);
const char         *kith_instrument_get_version     (KithInstrument      *self);
const char         *kith_instrument_get_description (KithInstrument      *self);
/* "free-to-use", "ogl-3.0", "kith" or "measured-elsewhere" */
const char         *kith_instrument_get_licence     (KithInstrument      *self);
/* The terms in words (Questionnaire.copyright) */
const char         *kith_instrument_get_terms       (KithInstrument      *self);
const char         *kith_instrument_get_source      (KithInstrument      *self);
const char         *kith_instrument_get_domain      (KithInstrument      *self);
gboolean            kith_instrument_get_prefill     (KithInstrument      *self);
/* Optional instruments (PHQ-9, GAD-7) join an assessment only when offered
 * after a positive screen, or chosen. */
gboolean            kith_instrument_get_optional    (KithInstrument      *self);
/* For an item that asks the same as an item of another instrument (PHQ-9
 * question 1 is PHQ-2 question 1): "instrument:linkId", or NULL. */
const char         *kith_instrument_get_same_as     (KithInstrument      *self,
                                                     const char          *link_id);
/* "patient" or "carer" */
const char         *kith_instrument_get_subject     (KithInstrument      *self);

/* Every item in order, groups and display items included. */
guint               kith_instrument_get_n_items     (KithInstrument      *self);
const KithInstrumentItem *kith_instrument_get_item  (KithInstrument      *self,
                                                     guint                index);
const KithInstrumentItem *kith_instrument_lookup_item (KithInstrument    *self,
                                                       const char        *link_id);
const KithAnswerOption *kith_instrument_item_lookup_option (const KithInstrumentItem *item,
                                                            const char               *code);

/* Checks one answer against its item: the option exists, the integer is
 * in range, the type fits. */
gboolean            kith_instrument_check_answer    (KithInstrument      *self,
                                                     const char          *link_id,
                                                     const KithAnswer    *answer,
                                                     GError             **error);

/* --- answers --------------------------------------------------------- */

/* A set of answers to one instrument, by linkId. */
typedef struct _KithAnswerSet KithAnswerSet;

KithAnswerSet      *kith_answer_set_new             (KithInstrument      *instrument);
void                kith_answer_set_free            (KithAnswerSet       *self);
KithInstrument     *kith_answer_set_get_instrument  (KithAnswerSet       *self);
/* Copies @answer. KITH_ANSWER_NONE removes it. No checking: use
 * kith_instrument_check_answer() first. */
void                kith_answer_set_put             (KithAnswerSet       *self,
                                                     const char          *link_id,
                                                     const KithAnswer    *answer);
const KithAnswer   *kith_answer_set_lookup          (KithAnswerSet       *self,
                                                     const char          *link_id);
/* Reads a QuestionnaireResponse for this instrument, checking every
 * answer; unknown items, bad codes and out-of-range values are errors. */
KithAnswerSet      *kith_answer_set_new_from_response (KithInstrument    *instrument,
                                                       JsonObject        *response,
                                                       GError           **error);
/* Writes the answers as QuestionnaireResponse items (the "item" array),
 * nested as the Questionnaire nests them. */
JsonArray          *kith_answer_set_to_items        (KithAnswerSet       *self);
/* Required items neither answered, declined nor marked not assessed. */
GStrv               kith_answer_set_list_missing    (KithAnswerSet       *self);

/* --- scoring ---------------------------------------------------------- */

/* The scores of one instrument: a GPtrArray of KithScore (transfer full). */
GPtrArray          *kith_answer_set_score           (KithAnswerSet       *self);
void                kith_score_free                 (KithScore           *score);
void                kith_finding_free               (KithFinding         *finding);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAnswerSet, kith_answer_set_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithScore, kith_score_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithFinding, kith_finding_free)

G_END_DECLS
