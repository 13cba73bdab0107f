/* kith-assessment.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-instrument.h"
#include "kith-types.h"

G_BEGIN_DECLS

#define KITH_ASSESSMENT_ERROR (kith_assessment_error_quark ())

typedef enum
{
  KITH_ASSESSMENT_ERROR_NOT_FOUND,
  KITH_ASSESSMENT_ERROR_INCOMPLETE,      /* complete() with questions left */
  KITH_ASSESSMENT_ERROR_NOT_INCLUDED,    /* an instrument not in this assessment */
  KITH_ASSESSMENT_ERROR_COMPLETED,       /* a completed assessment is not edited */
  KITH_ASSESSMENT_ERROR_NEEDS_REASON,    /* dismissing a need, or closing an alert, without saying why */
  KITH_ASSESSMENT_ERROR_NO_CONSENT,      /* a carer's assessment without their consent */
} KithAssessmentError;

/* How an answer compares with the same question last time. */
typedef enum
{
  KITH_ANSWER_CHANGE_NONE,      /* no earlier answer to compare with */
  KITH_ANSWER_CHANGE_SAME,
  KITH_ANSWER_CHANGE_CHANGED,
} KithAnswerChange;

typedef enum
{
  KITH_NEED_PROPOSED,
  KITH_NEED_ACCEPTED,
  KITH_NEED_DISMISSED,
} KithNeedState;

/* A need as the assessment knows it: proposed by a rule (with why), or
 * added by the professional, then accepted, edited or dismissed. */
typedef struct
{
  char          *id;          /* the rule id, or "own-…" for one the professional added */
  char          *title;       /* as accepted (possibly edited) or proposed */
  char          *proposed_title;
  char          *domain;
  char          *why;
  KithNeedState  state;
  char          *dismiss_reason;
  char          *condition_id;/* the FHIR Condition, once written */
} KithNeed;

void kith_need_free (KithNeed *need);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithNeed, kith_need_free)

/* An open safety alert (a FHIR Flag). */
typedef struct
{
  char     *flag_id;
  char     *patient_id;
  char     *title;
  char     *advice;
  char     *why;
  char     *raised;        /* instant */
  gboolean  requires_action;
} KithAlert;

void kith_alert_free (KithAlert *alert);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithAlert, kith_alert_free)

#define KITH_TYPE_ASSESSMENT (kith_assessment_get_type ())
G_DECLARE_FINAL_TYPE (KithAssessment, kith_assessment, KITH, ASSESSMENT, GObject)

GQuark          kith_assessment_error_quark      (void);

/* Starts a new holistic assessment for a person, prefilled ("tell it
 * once") from their last one: each carried answer is marked carried over
 * until confirmed. @author is the professional's name as shown. */
KithAssessment *kith_assessment_start            (KithStore       *store,
                                                  const char      *patient_id,
                                                  const char      *author,
                                                  GError         **error);
/* Starts the carer's own assessment. It belongs to the carer (a
 * RelatedPerson), needs their consent, recorded as a FHIR Consent, and is
 * linked to the person they care for. */
KithAssessment *kith_assessment_start_for_carer  (KithStore       *store,
                                                  const char      *related_person_id,
                                                  const char      *author,
                                                  gboolean         consent_given,
                                                  gboolean         share_with_care_team,
                                                  GError         **error);
/* Reopens an assessment by id, paused or completed. */
KithAssessment *kith_assessment_open             (KithStore       *store,
                                                  const char      *assessment_id,
                                                  GError         **error);
/* The person's paused (in-progress) assessment, or NULL with no error. */
char           *kith_assessment_find_in_progress (KithStore       *store,
                                                  const char      *patient_id,
                                                  GError         **error);

const char     *kith_assessment_get_id           (KithAssessment  *self);
const char     *kith_assessment_get_patient_id   (KithAssessment  *self);
/* "patient" or "carer" */
const char     *kith_assessment_get_subject_kind (KithAssessment  *self);
/* "in-progress" or "completed" */
const char     *kith_assessment_get_status       (KithAssessment  *self);
const char     *kith_assessment_get_started      (KithAssessment  *self);
/* The id of the assessment prefilled from, or NULL */
const char     *kith_assessment_get_previous_id  (KithAssessment  *self);

/* The instruments in this assessment, in domain order (KithInstrument,
 * transfer container). Fuller instruments (PHQ-9, GAD-7) are in it only
 * once included, after a positive screen or by choice. */
GPtrArray      *kith_assessment_list_instruments (KithAssessment  *self);
gboolean        kith_assessment_includes         (KithAssessment  *self,
                                                  const char      *instrument_id);
/* Adds an optional instrument; answers it shares with one already given
 * (PHQ-2 inside PHQ-9) are copied, so nothing is asked twice. */
gboolean        kith_assessment_include          (KithAssessment  *self,
                                                  const char      *instrument_id,
                                                  GError         **error);
KithAnswerSet  *kith_assessment_get_answers      (KithAssessment  *self,
                                                  const char      *instrument_id);
/* Answers from the assessment prefilled from, for comparison, or NULL */
KithAnswerSet  *kith_assessment_get_previous_answers (KithAssessment *self,
                                                      const char     *instrument_id);

/* Records an answer and saves at once (a new version of that instrument's
 * QuestionnaireResponse): a crash or a closed lid loses nothing. An
 * answer of kind NONE clears it. */
gboolean        kith_assessment_set_answer       (KithAssessment   *self,
                                                  const char       *instrument_id,
                                                  const char       *link_id,
                                                  const KithAnswer *answer,
                                                  GError          **error);
/* "Yes, that is still right": clears the carried-over mark. */
gboolean        kith_assessment_confirm_answer   (KithAssessment  *self,
                                                  const char      *instrument_id,
                                                  const char      *link_id,
                                                  GError         **error);
/* Confirms every carried-over answer in a domain ("nothing has changed"). */
gboolean        kith_assessment_confirm_domain   (KithAssessment  *self,
                                                  const char      *domain,
                                                  GError         **error);
KithAnswerChange kith_assessment_get_answer_change (KithAssessment *self,
                                                    const char     *instrument_id,
                                                    const char     *link_id);

/* "In their own words": one free-text note per domain. */
const char     *kith_assessment_get_note         (KithAssessment  *self,
                                                  const char      *domain);
gboolean        kith_assessment_set_note         (KithAssessment  *self,
                                                  const char      *domain,
                                                  const char      *note,
                                                  GError         **error);

/* Progress over the required questions of included instruments. */
void            kith_assessment_get_progress     (KithAssessment  *self,
                                                  guint           *done,
                                                  guint           *total);
/* Per domain: required questions left, and carried answers to confirm. */
void            kith_assessment_get_domain_progress (KithAssessment *self,
                                                     const char     *domain,
                                                     guint          *left,
                                                     guint          *to_confirm);
/* Live: the scores of an instrument (KithScore, transfer full). */
GPtrArray      *kith_assessment_score            (KithAssessment  *self,
                                                  const char      *instrument_id);
/* Live: alerts, offers, indications and proposed needs (KithFinding). */
GPtrArray      *kith_assessment_evaluate         (KithAssessment  *self);

/* Needs: proposed by the rules, or added; accepted (maybe reworded) or
 * dismissed with a reason. Each decision is saved at once. */
GPtrArray      *kith_assessment_list_needs       (KithAssessment  *self);
gboolean        kith_assessment_accept_need      (KithAssessment  *self,
                                                  const char      *need_id,
                                                  const char      *title,
                                                  GError         **error);
gboolean        kith_assessment_dismiss_need     (KithAssessment  *self,
                                                  const char      *need_id,
                                                  const char      *reason,
                                                  GError         **error);
char           *kith_assessment_add_need         (KithAssessment  *self,
                                                  const char      *title,
                                                  const char      *domain,
                                                  GError         **error);

/* Pausing keeps everything (it is all saved already) and marks the time. */
gboolean        kith_assessment_pause            (KithAssessment  *self,
                                                  GError         **error);
/* Completes only when every required question of every included
 * instrument is answered, declined or marked not assessed, and carried
 * answers are confirmed. Writes Observations for scores and the proposed
 * needs not yet decided. */
gboolean        kith_assessment_complete         (KithAssessment  *self,
                                                  GError         **error);

/* Safety alerts of a person that are still open (KithAlert, transfer full). */
GPtrArray      *kith_alerts_list_open            (KithStore       *store,
                                                  const char      *patient_id,
                                                  GError         **error);
/* Closes an alert with the action taken: who, what, and when (an ISO
 * instant; NULL for now). Without who and what it is refused. */
gboolean        kith_alert_record_action         (KithStore       *store,
                                                  const char      *flag_id,
                                                  const char      *who,
                                                  const char      *what,
                                                  const char      *when,
                                                  GError         **error);

G_END_DECLS
