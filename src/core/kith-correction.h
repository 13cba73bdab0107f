/* kith-correction.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* A person's request to correct their record, as people asked for ("to
 * correct any mistakes"). It is a FHIR Task (code "correction-request",
 * src/core/GOVERNANCE.md) that names the part of the record, holds the
 * person's own words and what they say it should say, and ends either
 * with the change made (the version that has it) or refused with the
 * reason. The record's history keeps the original either way: a
 * correction is a new version, never an overwrite. */

#define KITH_CORRECTION_TASK_CODE      "correction-request"
#define KITH_CORRECTION_SEEN_URL       KITH_FHIR_SD "correction-seen-version"
#define KITH_CORRECTION_CONTENT_URL    KITH_FHIR_SD "correction-seen-content"

#define KITH_CORRECTION_ERROR (kith_correction_error_quark ())

typedef enum
{
  KITH_CORRECTION_ERROR_INVALID,    /* words or a reason missing */
  KITH_CORRECTION_ERROR_NOT_FOUND,  /* no such request, person or part of the record */
  KITH_CORRECTION_ERROR_STATE,      /* already decided */
  KITH_CORRECTION_ERROR_UNCHANGED,  /* "made" but the record has not changed */
} KithCorrectionError;

typedef enum
{
  KITH_CORRECTION_REQUESTED,        /* Task "requested" */
  KITH_CORRECTION_MADE,             /* "completed" */
  KITH_CORRECTION_REFUSED,          /* "rejected", with the reason */
} KithCorrectionState;

/* A part of the record a person can ask to have corrected. */
typedef struct
{
  char *type;    /* "Patient", "CarePlan", "QuestionnaireResponse" */
  char *id;
  char *label;   /* "Personal details", "Care plan", "PHQ-9, 3 March 2026" */
} KithCorrectionTarget;

void kith_correction_target_free (KithCorrectionTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithCorrectionTarget, kith_correction_target_free)

typedef struct
{
  char                *id;              /* the Task */
  char                *patient_id;
  char                *target_type;
  char                *target_id;
  char                *target_label;
  char                *seen_version;    /* the version the person asked about */
  char                *words;           /* what the person says is wrong */
  char                *should_say;      /* what they say it should say, or NULL */
  char                *requested;       /* instant */
  char                *recorded_by;
  KithCorrectionState  state;
  char                *outcome;         /* what was changed, or why refused; NULL while open */
  char                *decided;         /* instant, or NULL */
  char                *decided_by;      /* or NULL */
  char                *corrected_version; /* the version with the change, when made */
} KithCorrection;

void            kith_correction_free          (KithCorrection *correction);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithCorrection, kith_correction_free)

GQuark          kith_correction_error_quark   (void);

/* "Asked for", "Corrected", "Refused" (translated) */
const char     *kith_correction_state_to_label (KithCorrectionState state);

/* The parts of @patient_id's record a correction can be asked for:
 * personal details, the current care plan, and each answered
 * questionnaire, newest first (KithCorrectionTarget, transfer full). */
GPtrArray      *kith_correction_list_targets  (KithStore    *store,
                                               const char   *patient_id,
                                               GError      **error);

/* Records the person's request about @target_type/@target_id, in their
 * own @words (required), with what it should say (optional). The version
 * and content they saw are kept, so that "made" can tell whether the
 * record really changed. Returns the request (transfer full). */
KithCorrection *kith_correction_request       (KithStore    *store,
                                               const char   *patient_id,
                                               const char   *target_type,
                                               const char   *target_id,
                                               const char   *target_label,
                                               const char   *words,
                                               const char   *should_say,
                                               const char   *recorded_by,
                                               GError      **error);

/* The correction was made (in the plan editor, the assessment, the
 * person's details): records @what_changed and the version that has it.
 * Refused with KITH_CORRECTION_ERROR_UNCHANGED while the part of the
 * record is still as the person saw it. */
gboolean        kith_correction_record_made   (KithStore    *store,
                                               const char   *id,
                                               const char   *what_changed,
                                               const char   *decided_by,
                                               GError      **error);

/* The request was refused: @reason (required) is recorded, and the
 * person's words stay with the record. */
gboolean        kith_correction_refuse        (KithStore    *store,
                                               const char   *id,
                                               const char   *reason,
                                               const char   *decided_by,
                                               GError      **error);

/* Every request for @patient_id, open ones first, then newest first
 * (KithCorrection, transfer full). */
GPtrArray      *kith_correction_list          (KithStore    *store,
                                               const char   *patient_id,
                                               GError      **error);

KithCorrection *kith_correction_load          (KithStore    *store,
                                               const char   *id,
                                               GError      **error);

G_END_DECLS
