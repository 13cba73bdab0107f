/* kith-pdf.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writing a PDF safely, for every document Kith makes: the plan the person
 * keeps, the visit summary, the MDT meeting's record.
 */

#define G_LOG_DOMAIN "kith-pdf"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "kith-pdf.h"

typedef struct
{
  int fd;
  int saved_errno;
} PdfSink;

static cairo_status_t
write_to_fd_cb (void                *closure,
                const unsigned char *data,
                unsigned int         length)
{
  PdfSink *sink = closure;

  while (length > 0)
    {
      ssize_t written = write (sink->fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        {
          /* A write of nothing is a full disk that did not say so. */
          sink->saved_errno = written < 0 ? errno : ENOSPC;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += written;
      length -= written;
    }
  return CAIRO_STATUS_SUCCESS;
}

static void
set_write_error (GError     **error,
                 const char  *path,
                 int          saved_errno,
                 const char  *detail)
{
  g_set_error (error, G_IO_ERROR, saved_errno != 0 ? g_io_error_from_errno (saved_errno) : G_IO_ERROR_FAILED,
               /* Translators: a PDF's path, and why it could not be written */
               _("Cannot save “%s”: %s"), path, saved_errno != 0 ? g_strerror (saved_errno) : detail);
}

gboolean
kith_pdf_write (const char       *path,
                double            width,
                double            height,
                const char       *title,
                guint             n_pages,
                KithPdfDrawPage   draw_page,
                gpointer          document,
                GError          **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_name = NULL;
  g_autofree char *tmp_path = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  PdfSink sink = { -1, 0 };
  cairo_t *cr;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (draw_page != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_name = g_strdup_printf (".%s.XXXXXX", base);
  tmp_path = g_build_filename (dir, tmp_name, NULL);
  if ((sink.fd = g_mkstemp_full (tmp_path, O_RDWR | O_CLOEXEC, 0600)) < 0)
    {
      set_write_error (error, path, errno, NULL);
      return FALSE;
    }

  surface = cairo_pdf_surface_create_for_stream (write_to_fd_cb, &sink, width, height);
  if (title != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Kith");
  cr = cairo_create (surface);
  for (guint i = 0; i < n_pages; i++)
    {
      draw_page (document, cr, i);
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status == CAIRO_STATUS_SUCCESS && fsync (sink.fd) != 0)
    sink.saved_errno = errno;
  if (close (sink.fd) != 0 && sink.saved_errno == 0 && status == CAIRO_STATUS_SUCCESS)
    sink.saved_errno = errno;

  if (status != CAIRO_STATUS_SUCCESS || sink.saved_errno != 0)
    {
      set_write_error (error, path, sink.saved_errno, cairo_status_to_string (status));
      g_unlink (tmp_path);
      return FALSE;
    }
  if (g_rename (tmp_path, path) != 0)
    {
      set_write_error (error, path, errno, NULL);
      g_unlink (tmp_path);
      return FALSE;
    }
  return TRUE;
}
