/* kith-end-of-life.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "kith-types.h"

G_BEGIN_DECLS

/* Recording a death (issue 8): Patient.deceasedDateTime and whether the
 * person died in their preferred place (Kith's died-in-preferred-place
 * extension, valueBoolean), as the outcome indicators
 * preferred-place-recorded and preferred-place-met read them
 * (data/indicators/indicators.json). */

#define KITH_END_OF_LIFE_ERROR (kith_end_of_life_error_quark ())

typedef enum
{
  KITH_END_OF_LIFE_ERROR_INVALID,    /* no date, a date in the future or before birth */
  KITH_END_OF_LIFE_ERROR_RECORDED,   /* a death is recorded already: correct it instead */
  KITH_END_OF_LIFE_ERROR_NOT_FOUND,  /* no such person */
} KithEndOfLifeError;

#define KITH_DIED_IN_PREFERRED_PLACE_URL "https://kith.example/fhir/StructureDefinition/died-in-preferred-place"

typedef enum
{
  KITH_PLACE_NOT_RECORDED,  /* not known: the extension is left out (counts as not met) */
  KITH_PLACE_MET,           /* they died where they wished */
  KITH_PLACE_NOT_MET,
} KithPlaceMet;

/* The person's latest answer to "where would you most like to be cared
 * for towards the end of your life" (the crisis questions' preferred-place). */
typedef struct
{
  char *text;       /* in the person's words */
  char *recorded;   /* when it was answered: the response's authored instant */
} KithPreferredPlace;

/* A death as recorded on the Patient. */
typedef struct
{
  char         *died;     /* deceasedDateTime as written: a date, or a date and time */
  KithPlaceMet  place;
} KithDeath;

GQuark              kith_end_of_life_error_quark        (void);

void                kith_preferred_place_free           (KithPreferredPlace *place);
void                kith_death_free                     (KithDeath          *death);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithPreferredPlace, kith_preferred_place_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KithDeath, kith_death_free)

/* The newest preferred place recorded, or NULL (and no error) if none. */
KithPreferredPlace *kith_end_of_life_get_preferred_place (KithStore    *store,
                                                          const char   *patient_id,
                                                          GError      **error);
/* The death recorded on a Patient resource, or NULL if none. */
KithDeath          *kith_end_of_life_get_death          (JsonObject   *patient);

/* Records that the person died on @died: a date ("2026-03-02") or a date
 * and time with its zone, not in the future (measured from @now; NULL:
 * now) and not before their birth, and whether they died in their
 * preferred place. A second recording is KITH_END_OF_LIFE_ERROR_RECORDED
 * unless @correction. In one transaction with it, their current care plan
 * ends ("The person died", by @recorded_by) and a place on the virtual
 * ward ends on that day: nothing of theirs is left due. */
gboolean            kith_end_of_life_record_death       (KithStore    *store,
                                                         const char   *patient_id,
                                                         const char   *died,
                                                         KithPlaceMet  place,
                                                         gboolean      correction,
                                                         const char   *recorded_by,
                                                         GDateTime    *now,
                                                         GError      **error);

G_END_DECLS
