/* kith-pdf.h
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <cairo.h>
#include <gio/gio.h>

G_BEGIN_DECLS

/* Draws page @page (from 0) of @document on @cr. */
typedef void (*KithPdfDrawPage) (gpointer  document,
                                 cairo_t  *cr,
                                 guint     page);

/* Writes @n_pages pages of @width × @height points, drawn by @draw_page, to
 * @path as a PDF. Every document Kith writes holds personal data, so the
 * file is made beside @path with mode 0600 whatever the umask, synced, and
 * renamed over @path only once complete: a full disk or a crash never
 * leaves half a document, nor replaces a good one. @title goes in the
 * PDF's metadata. */
gboolean kith_pdf_write (const char       *path,
                         double            width,
                         double            height,
                         const char       *title,
                         guint             n_pages,
                         KithPdfDrawPage   draw_page,
                         gpointer          document,
                         GError          **error);

G_END_DECLS
