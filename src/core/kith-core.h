/* kith-core.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "kith-types.h"
#include "kith-fhir.h"
#include "kith-frailty.h"
#include "kith-risk.h"
#include "kith-nhs-number.h"
#include "kith-patient.h"
#include "kith-store.h"
#include "kith-caseload.h"
#include "kith-demo-caseload.h"
#include "kith-instrument.h"
#include "kith-instrument-library.h"
#include "kith-assessment.h"
#include "kith-care-plan.h"
#include "kith-consent.h"
#include "kith-merge.h"
#include "kith-option-library.h"
#include "kith-sync.h"
#include "kith-mdt.h"
#include "kith-meeting-document.h"
#include "kith-contact.h"
#include "kith-referral.h"
#include "kith-correction.h"
#include "kith-sharing.h"
#include "kith-tasks.h"
#include "kith-progress.h"
