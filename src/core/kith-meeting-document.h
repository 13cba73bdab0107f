/* kith-meeting-document.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "kith-mdt.h"

G_BEGIN_DECLS

#define KITH_TYPE_MEETING_DOCUMENT (kith_meeting_document_get_type ())

G_DECLARE_FINAL_TYPE (KithMeetingDocument, kith_meeting_document, KITH, MEETING_DOCUMENT, GObject)

/* The record of an MDT meeting: its date and team, who attended and who
 * sent apologies, then each person discussed with why they were on the
 * agenda, the note and the actions agreed (owner, due date), as their
 * plans hold them now; then who was on the agenda but not discussed.
 * Laid out once on pages of @page_width × @page_height points, each with
 * its page number. @printed_on: ISO date for the footer, NULL for today. */
KithMeetingDocument *kith_meeting_document_new         (KithMeeting          *meeting,
                                                        KithStore            *store,
                                                        const char           *printed_on,
                                                        double                page_width,
                                                        double                page_height,
                                                        GError              **error);
guint                kith_meeting_document_get_n_pages (KithMeetingDocument  *self);
void                 kith_meeting_document_draw_page   (KithMeetingDocument  *self,
                                                        cairo_t              *cr,
                                                        guint                 page_nr);

/* Writes the record as an A4 PDF at @path, readable by its owner only
 * (0600); @path is either the whole new PDF or as it was before. */
gboolean             kith_meeting_document_export_pdf  (KithMeeting          *meeting,
                                                        KithStore            *store,
                                                        const char           *path,
                                                        GError              **error);

G_END_DECLS
