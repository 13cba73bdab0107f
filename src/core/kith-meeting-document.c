/* kith-meeting-document.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The MDT meeting's record for the team's files. Like the plan the person
 * keeps (kith-plan-document.c), it is a list of blocks (a PangoLayout
 * each) laid out once from a private 72 dpi Pango context, so that it is
 * the same on paper and in the PDF; a block breaks between lines, and a
 * heading stays with what follows it.
 */

#define G_LOG_DOMAIN "kith-meeting-document"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "kith-care-plan.h"
#include "kith-meeting-document.h"
#include "kith-plan-document.h"
#include "kith-store.h"
#include "kith-pdf.h"

#define FONT_FAMILY  "Cantarell, DejaVu Sans, sans-serif"
#define A4_WIDTH     595.28
#define A4_HEIGHT    841.89
#define MARGIN       54.0
#define BODY_SIZE    11.0
#define FOOTER_SIZE  9.0
#define SEPARATOR    "   ·   "

typedef enum
{
  STYLE_TITLE,
  STYLE_SUBTITLE,
  STYLE_HEADING,
  STYLE_PERSON,
  STYLE_BODY,
  STYLE_FOOTER,
} Style;

typedef struct
{
  PangoLayout *layout;
  Style        style;
  double       x;
  double       space_before;
  gboolean     keep_with_next;
  guint        n_lines;
  double      *line_top;        /* n_lines + 1 */
  double      *baseline;
} Block;

typedef struct
{
  guint  block;
  guint  first_line;
  guint  n_lines;
  double y;
} Placement;

struct _KithMeetingDocument
{
  GObject       parent_instance;

  PangoContext *context;
  double        page_width;
  double        page_height;
  double        content_width;
  double        content_bottom;
  GPtrArray    *blocks;         /* Block */
  GPtrArray    *pages;          /* GArray of Placement */
  char         *footer;         /* the meeting, printed on */
};

G_DEFINE_FINAL_TYPE (KithMeetingDocument, kith_meeting_document, G_TYPE_OBJECT)

static void
block_free (gpointer data)
{
  Block *block = data;

  g_clear_object (&block->layout);
  g_free (block->line_top);
  g_free (block->baseline);
  g_free (block);
}

static char *
dup_date_words (const char *iso_date)
{
  char *words = kith_plan_document_format_date (iso_date);

  return words ? words : g_strdup (iso_date ? iso_date : "");
}

/* Building */

static PangoLayout *
create_layout (KithMeetingDocument *self,
               Style                style,
               double               width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);
  double size;

  switch (style)
    {
    case STYLE_TITLE:    size = 22; break;
    case STYLE_SUBTITLE: size = 14; break;
    case STYLE_HEADING:  size = 15; break;
    case STYLE_PERSON:   size = 12.5; break;
    case STYLE_FOOTER:   size = FOOTER_SIZE; break;
    case STYLE_BODY:
    default:             size = BODY_SIZE; break;
    }
  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  if (style == STYLE_TITLE || style == STYLE_HEADING || style == STYLE_PERSON)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing (layout, 1.2);
  return layout;
}

static void
measure_block (Block *block)
{
  PangoLayoutIter *iter = pango_layout_get_iter (block->layout);
  PangoRectangle logical;
  guint i = 0;

  block->n_lines = pango_layout_get_line_count (block->layout);
  block->line_top = g_new0 (double, block->n_lines + 1);
  block->baseline = g_new0 (double, block->n_lines);
  do
    {
      pango_layout_iter_get_line_extents (iter, NULL, &logical);
      block->line_top[i] = (double) logical.y / PANGO_SCALE;
      block->baseline[i] = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      i++;
    }
  while (i < block->n_lines && pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);

  pango_layout_get_extents (block->layout, NULL, &logical);
  block->line_top[block->n_lines] = MAX ((double) (logical.y + logical.height) / PANGO_SCALE,
                                         block->line_top[block->n_lines - 1]);
}

static double
block_height (const Block *block,
              guint        first_line,
              guint        n_lines)
{
  return block->line_top[first_line + n_lines] - block->line_top[first_line];
}

/* @markup is Pango markup; every value in it is escaped by the caller.
 * With @hang, lines after the first start that much further in (a list
 * item's text clear of its bullet). */
static Block *
add_hanging_markup (KithMeetingDocument *self,
                    Style                style,
                    double               indent,
                    double               hang,
                    const char          *markup)
{
  Block *block = g_new0 (Block, 1);

  block->style = style;
  block->x = MARGIN + indent;
  block->layout = create_layout (self, style, self->content_width - indent);
  if (hang > 0)
    {
      PangoTabArray *tabs = pango_tab_array_new_with_positions (1, TRUE, PANGO_TAB_LEFT, (int) hang);

      pango_layout_set_indent (block->layout, (int) (-hang * PANGO_SCALE));
      pango_layout_set_tabs (block->layout, tabs);
      pango_tab_array_free (tabs);
    }
  pango_layout_set_markup (block->layout, markup, -1);
  switch (style)
    {
    case STYLE_HEADING:
      block->space_before = 20;
      block->keep_with_next = TRUE;
      break;
    case STYLE_PERSON:
      block->space_before = 14;
      block->keep_with_next = TRUE;
      break;
    case STYLE_TITLE:
    case STYLE_SUBTITLE:
    case STYLE_BODY:
    case STYLE_FOOTER:
    default:
      block->space_before = 4;
      break;
    }
  measure_block (block);
  g_ptr_array_add (self->blocks, block);
  return block;
}

static Block *
add_markup (KithMeetingDocument *self,
            Style                style,
            double               indent,
            const char          *markup)
{
  return add_hanging_markup (self, style, indent, 0, markup);
}

static Block *
add_text (KithMeetingDocument *self,
          Style                style,
          double               indent,
          const char          *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return add_markup (self, style, indent, markup);
}

/* "Label: value", the label in bold */
static void
add_labelled (KithMeetingDocument *self,
              double               indent,
              const char          *label,
              const char          *value)
{
  g_autofree char *markup = g_markup_printf_escaped ("<b>%s</b> %s", label, value);

  add_markup (self, STYLE_BODY, indent, markup);
}

static char *
join_names (GPtrArray *attendees,
            gboolean   attended)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < attendees->len; i++)
    {
      KithAttendee *attendee = attendees->pdata[i];

      if (!!attendee->attended != !!attended)
        continue;
      if (names->len > 0)
        g_string_append (names, ", ");
      g_string_append (names, attendee->name);
      if (attendee->chair)
        /* TRANSLATORS: after the chair's name in the list of who attended */
        g_string_append (names, _(" (chair)"));
    }
  if (names->len == 0)
    /* TRANSLATORS: no one attended, or no one sent apologies */
    g_string_append (names, _("None recorded"));
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static const char *
action_status_words (KithActionStatus status)
{
  switch (status)
    {
    case KITH_ACTION_NOT_STARTED: return _("Not started");
    case KITH_ACTION_IN_PROGRESS: return _("In progress");
    case KITH_ACTION_DONE:        return _("Done");
    case KITH_ACTION_CANCELLED:   return _("Cancelled");
    default:                      return "";
    }
}

static void
add_action (KithMeetingDocument *self,
            const KithAction    *action)
{
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *text = g_markup_escape_text (action->text ? action->text : "", -1);
  g_autofree char *owner = g_markup_escape_text (action->owner ? action->owner : "", -1);

  g_string_append_printf (line, "•\t%s" SEPARATOR, text);
  /* TRANSLATORS: who will do an agreed action */
  g_string_append_printf (line, _("Who: %s"), owner);
  if (action->due)
    {
      g_autofree char *due = dup_date_words (action->due);
      g_autofree char *escaped = g_markup_escape_text (due, -1);

      g_string_append (line, SEPARATOR);
      /* TRANSLATORS: when an agreed action is due, "By 17 December 2026" */
      g_string_append_printf (line, _("By %s"), escaped);
    }
  g_string_append (line, SEPARATOR);
  g_string_append (line, action_status_words (action->status));
  add_hanging_markup (self, STYLE_BODY, 4, BODY_SIZE, line->str);
}

static gboolean
build (KithMeetingDocument  *self,
       KithMeeting          *meeting,
       KithStore            *store,
       GError              **error)
{
  g_autoptr(GPtrArray) attendees = kith_meeting_list_attendees (meeting);
  g_autoptr(GPtrArray) items = kith_meeting_list_agenda (meeting);
  g_autoptr(GString) not_discussed = g_string_new (NULL);
  g_autofree char *date = dup_date_words (kith_meeting_get_date (meeting));
  g_autofree char *attended = join_names (attendees, TRUE);
  g_autofree char *apologies = join_names (attendees, FALSE);
  guint n_discussed = 0;

  add_text (self, STYLE_TITLE, 0, _("MDT meeting"));
  {
    g_autofree char *subtitle = g_strdup_printf ("%s" SEPARATOR "%s", kith_meeting_get_team (meeting), date);

    add_text (self, STYLE_SUBTITLE, 0, subtitle);
  }
  if (kith_meeting_get_status (meeting) != KITH_MEETING_FINISHED)
    /* TRANSLATORS: on the record of a meeting that was exported before it was finished */
    add_text (self, STYLE_BODY, 0, _("This record was made before the meeting finished."));

  add_text (self, STYLE_HEADING, 0, _("Attendance"));
  add_labelled (self, 0, _("Attended:"), attended);
  add_labelled (self, 0, _("Apologies:"), apologies);

  add_text (self, STYLE_HEADING, 0, _("People discussed"));
  for (guint i = 0; i < items->len; i++)
    {
      KithAgendaItem *item = items->pdata[i];
      g_autoptr(GPtrArray) actions = NULL;
      const char *name = item->name ? item->name : _("Unnamed person");

      if (!item->discussed && item->note == NULL && g_strv_length (item->actions) == 0)
        {
          g_autofree char *line = g_strdup_printf ("%s (%s)", name, kith_agenda_reason_to_string (item->reason));

          if (not_discussed->len > 0)
            g_string_append_c (not_discussed, '\n');
          g_string_append (not_discussed, line);
          continue;
        }
      if (!(actions = kith_meeting_list_item_actions (meeting, store, i, error)))
        return FALSE;

      n_discussed++;
      {
        g_autofree char *heading = g_strdup_printf ("%u. %s", n_discussed, name);

        add_text (self, STYLE_PERSON, 0, heading);
      }
      add_labelled (self, 0, _("On the agenda:"), kith_agenda_reason_to_string (item->reason));
      if (item->note)
        add_text (self, STYLE_BODY, 0, item->note);
      if (actions->len > 0)
        {
          g_autofree char *label = g_markup_printf_escaped ("<b>%s</b>", _("Actions agreed:"));

          add_markup (self, STYLE_BODY, 0, label)->keep_with_next = TRUE;
          for (guint a = 0; a < actions->len; a++)
            add_action (self, actions->pdata[a]);
        }
      else
        add_text (self, STYLE_BODY, 0, _("No actions agreed."));
    }
  if (n_discussed == 0)
    add_text (self, STYLE_BODY, 0, _("No one was discussed."));

  if (not_discussed->len > 0)
    {
      add_text (self, STYLE_HEADING, 0, _("On the agenda but not discussed"));
      add_text (self, STYLE_BODY, 0, not_discussed->str);
    }
  return TRUE;
}

/* Pagination */

static double
block_need (KithMeetingDocument *self,
            guint                index)
{
  Block *block = self->blocks->pdata[index];
  double need = block_height (block, 0, MIN (block->n_lines, 2));

  if (block->keep_with_next && index + 1 < self->blocks->len)
    {
      Block *next = self->blocks->pdata[index + 1];

      need = block_height (block, 0, block->n_lines) + next->space_before +
             block_height (next, 0, MIN (next->n_lines, 2));
    }
  return need;
}

static void
paginate (KithMeetingDocument *self)
{
  GArray *page = NULL;
  double top = MARGIN;
  double y = 0;
  gboolean fresh = TRUE;

#define NEW_PAGE() G_STMT_START { \
    page = g_array_new (FALSE, FALSE, sizeof (Placement)); \
    g_ptr_array_add (self->pages, page); \
    y = top; \
    fresh = TRUE; \
  } G_STMT_END

  NEW_PAGE ();
  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = self->blocks->pdata[i];
      double space = fresh ? 0 : block->space_before;
      guint first = 0;

      if (!fresh && y + space + block_need (self, i) > self->content_bottom)
        {
          NEW_PAGE ();
          space = 0;
        }
      y += space;
      while (first < block->n_lines)
        {
          Placement placement = { i, first, 0, y };
          guint last = first;

          while (last < block->n_lines && y + block_height (block, first, last - first + 1) <= self->content_bottom)
            last++;
          if (last == first && fresh)
            last++;   /* taller than a page: a fresh page takes a line */
          if (last == first)
            {
              NEW_PAGE ();
              continue;
            }
          placement.n_lines = last - first;
          placement.y = y;
          g_array_append_val (page, placement);
          y += block_height (block, first, last - first);
          fresh = FALSE;
          first = last;
          if (first < block->n_lines)
            NEW_PAGE ();
        }
    }
#undef NEW_PAGE
}

/* Drawing */

static void
draw_footer (KithMeetingDocument *self,
             cairo_t             *cr,
             guint                page_nr)
{
  g_autoptr(PangoLayout) layout = create_layout (self, STYLE_FOOTER, self->content_width);
  /* TRANSLATORS: the footer of every page of a meeting's record: the
   * meeting, when it was printed, and the page */
  g_autofree char *text = g_strdup_printf (_("%s  ·  Page %u of %u"), self->footer, page_nr + 1,
                                           self->pages->len);

  pango_layout_set_text (layout, text, -1);
  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, MARGIN, self->content_bottom + FOOTER_SIZE * 1.2);
  cairo_rel_line_to (cr, self->content_width, 0);
  cairo_stroke (cr);
  cairo_move_to (cr, MARGIN, self->content_bottom + FOOTER_SIZE * 1.6);
  pango_cairo_show_layout (cr, layout);
}

static void
kith_meeting_document_finalize (GObject *object)
{
  KithMeetingDocument *self = (KithMeetingDocument *) object;

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->footer, g_free);

  G_OBJECT_CLASS (kith_meeting_document_parent_class)->finalize (object);
}

static void
kith_meeting_document_class_init (KithMeetingDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kith_meeting_document_finalize;
}

static void
kith_meeting_document_init (KithMeetingDocument *self)
{
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
}

/* Public API */

KithMeetingDocument *
kith_meeting_document_new (KithMeeting  *meeting,
                           KithStore    *store,
                           const char   *printed_on,
                           double        page_width,
                           double        page_height,
                           GError      **error)
{
  g_autoptr(KithMeetingDocument) self = NULL;
  cairo_font_options_t *font_options;
  g_autofree char *printed = NULL;
  g_autofree char *date = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (meeting), NULL);
  g_return_val_if_fail (KITH_IS_STORE (store), NULL);
  g_return_val_if_fail (page_width > 2 * MARGIN + 100 && page_height > 2 * MARGIN + 100, NULL);

  self = g_object_new (KITH_TYPE_MEETING_DOCUMENT, NULL);
  self->page_width = page_width;
  self->page_height = page_height;
  self->content_width = page_width - 2 * MARGIN;
  self->content_bottom = page_height - MARGIN - FOOTER_SIZE * 3;

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, font_options);
  cairo_font_options_destroy (font_options);

  if (printed_on == NULL || !(printed = kith_plan_document_format_date (printed_on)))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

      printed = dup_date_words (today);
    }
  date = dup_date_words (kith_meeting_get_date (meeting));
  /* TRANSLATORS: in the footer: the team, the meeting's date, when printed */
  self->footer = g_strdup_printf (_("MDT meeting, %s, %s  ·  Printed on %s"),
                                  kith_meeting_get_team (meeting), date, printed);

  if (!build (self, meeting, store, error))
    return NULL;
  paginate (self);
  return g_steal_pointer (&self);
}

guint
kith_meeting_document_get_n_pages (KithMeetingDocument *self)
{
  g_return_val_if_fail (KITH_IS_MEETING_DOCUMENT (self), 0);
  return self->pages->len;
}

void
kith_meeting_document_draw_page (KithMeetingDocument *self,
                                 cairo_t             *cr,
                                 guint                page_nr)
{
  GArray *page;

  g_return_if_fail (KITH_IS_MEETING_DOCUMENT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page_nr < self->pages->len);

  page = self->pages->pdata[page_nr];
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, self->page_width, self->page_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  for (guint i = 0; i < page->len; i++)
    {
      Placement *placement = &g_array_index (page, Placement, i);
      Block *block = self->blocks->pdata[placement->block];

      for (guint l = placement->first_line; l < placement->first_line + placement->n_lines; l++)
        {
          cairo_move_to (cr, block->x, placement->y + block->baseline[l] - block->line_top[placement->first_line]);
          pango_cairo_show_layout_line (cr, pango_layout_get_line_readonly (block->layout, l));
        }
      if (block->style == STYLE_HEADING && placement->first_line + placement->n_lines == block->n_lines)
        {
          double y = placement->y + block_height (block, placement->first_line, placement->n_lines) + 1.5;

          cairo_set_line_width (cr, 1);
          cairo_move_to (cr, MARGIN, y);
          cairo_line_to (cr, MARGIN + self->content_width, y);
          cairo_stroke (cr);
        }
    }
  draw_footer (self, cr, page_nr);
  cairo_restore (cr);
}

static void
draw_page_cb (gpointer  document,
              cairo_t  *cr,
              guint     page)
{
  kith_meeting_document_draw_page (document, cr, page);
}

gboolean
kith_meeting_document_export_pdf (KithMeeting  *meeting,
                                  KithStore    *store,
                                  const char   *path,
                                  GError      **error)
{
  g_autoptr(KithMeetingDocument) document = NULL;

  g_return_val_if_fail (KITH_IS_MEETING (meeting), FALSE);
  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Everything read before the file is touched. */
  if (!(document = kith_meeting_document_new (meeting, store, NULL, A4_WIDTH, A4_HEIGHT, error)))
    return FALSE;
  return kith_pdf_write (path, A4_WIDTH, A4_HEIGHT, _("MDT meeting"),
                         kith_meeting_document_get_n_pages (document), draw_page_cb, document, error);
}
