/* kith-plan-document.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The care plan the person keeps at home: plain words, no codes, the one
 * person to call and what to do if things go wrong on the first page.
 *
 * The document is a list of blocks (a PangoLayout each, some inside a
 * framed box), paginated once when it is made: a block splits between
 * lines only, a heading stays with the first lines after it, and small
 * blocks (a goal, a contact) move whole to the next page. Layouts come
 * from a private Pango context at 72 dpi with unhinted metrics, so the
 * pages are the same on screen, on paper and in the PDF.
 */

#define G_LOG_DOMAIN "kith-plan-document"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cairo-pdf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <pango/pangocairo.h>

#include "kith-fhir.h"
#include "kith-nhs-number.h"
#include "kith-plan-document.h"
#include "kith-trend-draw.h"
#include "kith-pdf.h"

#define FONT_FAMILY "Cantarell, DejaVu Sans, sans-serif"
/* Between the parts of one line: "Who: You   ·   By 3 March 2027   ·   Done" */
#define SEPARATOR   "   ·   "

typedef enum
{
  STYLE_TITLE,
  STYLE_NAME,
  STYLE_BODY,
  STYLE_STRONG,      /* body size, bold */
  STYLE_HEADING,     /* a section, ruled underneath */
  STYLE_SUBHEADING,
  STYLE_BOX_HEADING, /* the heading of a framed box */
  STYLE_PHONE,       /* a number to call: big and bold */
  STYLE_FOOTER,
} Style;

typedef struct
{
  double title;
  double name;
  double body;
  double heading;
  double subheading;
  double box_heading;
  double phone;
  double footer;
  double line_spacing;  /* a factor of the font height */
  double margin;        /* left, right and top */
  double margin_bottom; /* below the footer */
  double paragraph;     /* space between paragraphs */
  double item;          /* space between list items */
  double section;       /* space before a section heading */
  double box_pad;
  double hang;          /* hanging indent for bullets and numbers */
} Metrics;

static const Metrics normal_print = {
  .title = 26, .name = 17, .body = 12, .heading = 17, .subheading = 13.5, .box_heading = 18,
  .phone = 18, .footer = 11, .line_spacing = 1.25,
  .margin = 54, .margin_bottom = 36, .paragraph = 6, .item = 9, .section = 22, .box_pad = 12,
  .hang = 24,
};

static const Metrics large_print = {
  .title = 32, .name = 22, .body = 16.5, .heading = 23, .subheading = 18.5, .box_heading = 24,
  .phone = 25, .footer = 14, .line_spacing = 1.3,
  .margin = 46, .margin_bottom = 32, .paragraph = 9, .item = 13, .section = 28, .box_pad = 14,
  .hang = 32,
};

typedef struct
{
  PangoLayout *layout;
  PangoLayout *label;          /* a bullet or a number in the hanging indent, or NULL */
  Style        style;
  double       x;              /* from the left edge of the paper */
  double       space_before;
  int          box;            /* index into boxes, or -1 */
  gboolean     keep_with_next; /* a heading: not last on a page */
  gboolean     keep_together;  /* small: moves whole to the next page */
  /* Line geometry, in points from the top of the layout */
  guint        n_lines;
  double      *line_top;       /* n_lines + 1: the last is the bottom */
  double      *baseline;
} Block;

typedef struct
{
  gboolean     keep_together;
  gboolean     strong;         /* a thicker frame */
  PangoLayout *continued;      /* "If things go wrong (continued)" at the top of a later page */
  double       continued_height;
} Box;

typedef struct
{
  guint  block;
  guint  first_line;
  guint  n_lines;
  double y;                    /* the top of the first line on the page */
} Placement;

typedef struct
{
  guint    box;
  double   y0;
  double   y1;
  gboolean continued;          /* carried over from the page before */
} BoxRect;

typedef struct
{
  GArray *placements;          /* Placement */
  GArray *boxes;               /* BoxRect */
} Page;

struct _KithPlanDocument
{
  GObject        parent_instance;

  const Metrics *m;
  PangoContext  *context;
  double         page_width;
  double         page_height;
  double         content_width;
  double         content_bottom;

  GPtrArray     *blocks;       /* Block */
  GArray        *boxes;        /* Box */
  GPtrArray     *pages;        /* Page */

  /* While building */
  int            current_box;
  double         indent;

  char          *running_title;
  char          *printed_on;   /* in words */
  char          *changed_on;   /* when the plan last changed, as printed */

  /* "How I am doing": charts on pages after the plan */
  GPtrArray     *trends;       /* KithSeries (copies), or NULL when not asked for */
  guint          first_trend_page;
  guint          charts_per_page;
};

G_DEFINE_FINAL_TYPE (KithPlanDocument, kith_plan_document, G_TYPE_OBJECT)

/* Helpers */

static void
block_free (gpointer data)
{
  Block *block = data;

  g_clear_object (&block->layout);
  g_clear_object (&block->label);
  g_free (block->line_top);
  g_free (block->baseline);
  g_free (block);
}

static void
box_clear (gpointer data)
{
  Box *box = data;

  g_clear_object (&box->continued);
}

static void
page_free (gpointer data)
{
  Page *page = data;

  g_array_unref (page->placements);
  g_array_unref (page->boxes);
  g_free (page);
}

static const char *
non_empty (const char *text)
{
  if (text == NULL)
    return NULL;
  while (g_ascii_isspace (*text))
    text++;
  return *text ? text : NULL;
}

static gboolean
parse_iso_date (const char *iso_date,
                GDate      *date)
{
  int year, month, day;

  g_date_clear (date, 1);
  if (iso_date == NULL)
    return FALSE;

  /* An instant is read in local time: the person's own calendar day. */
  if (strlen (iso_date) > 10 && iso_date[10] == 'T')
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (iso_date, NULL);
      g_autoptr(GDateTime) local = NULL;

      if (utc == NULL || !(local = g_date_time_to_local (utc)))
        return FALSE;
      g_date_set_dmy (date, g_date_time_get_day_of_month (local),
                      g_date_time_get_month (local), g_date_time_get_year (local));
      return TRUE;
    }

  if (sscanf (iso_date, "%4d-%2d-%2d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

static char *
format_gdate (const GDate *date)
{
  static const char *months[] = {
    NULL, N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"),
    N_("July"), N_("August"), N_("September"), N_("October"), N_("November"), N_("December"),
  };

  /* TRANSLATORS: a date in words: day, month name, year, as in "3 March 2027" */
  return g_strdup_printf (_("%1$u %2$s %3$u"), g_date_get_day (date),
                          _(months[g_date_get_month (date)]), g_date_get_year (date));
}

/* "the person" -> "you", "their daughter" -> "your daughter" */
static char *
dup_said_by (const char *expressed_by)
{
  if (!non_empty (expressed_by) ||
      g_ascii_strcasecmp (expressed_by, "the person") == 0 ||
      g_ascii_strcasecmp (expressed_by, "person") == 0 ||
      g_ascii_strcasecmp (expressed_by, "patient") == 0)
    return g_strdup (_("you"));
  if (g_ascii_strncasecmp (expressed_by, "their ", 6) == 0)
    return g_strconcat (_("your "), expressed_by + 6, NULL);
  return g_strdup (expressed_by);
}

static const char *
role_in_words (const char *role)
{
  if (role == NULL)
    return NULL;
  if (g_str_equal (role, "coordinator"))
    return _("Named care co-ordinator");
  if (g_str_equal (role, "gp"))
    return _("GP (family doctor)");
  if (g_str_equal (role, "nurse"))
    return _("Nurse");
  if (g_str_equal (role, "social-worker"))
    return _("Social worker");
  if (g_str_equal (role, "carer"))
    return _("Carer");
  return NULL;
}

static const char *
member_role (const KithTeamMember *member)
{
  return non_empty (member->role_title) ? member->role_title : role_in_words (member->role);
}

static const char *
support_kind_in_words (const char *kind)
{
  if (kind == NULL)
    return NULL;
  if (g_str_equal (kind, "signposting"))
    return _("Information and advice");
  if (g_str_equal (kind, "social-prescribing"))
    return _("Activities and groups near you (social prescribing)");
  if (g_str_equal (kind, "voluntary"))
    return _("Voluntary or community group");
  if (g_str_equal (kind, "service"))
    return _("Service");
  return NULL;
}

static const char *
action_status_in_words (KithActionStatus status)
{
  switch (status)
    {
    case KITH_ACTION_NOT_STARTED:
      return _("Not started");
    case KITH_ACTION_IN_PROGRESS:
      return _("Under way");
    case KITH_ACTION_DONE:
      return _("Done");
    case KITH_ACTION_CANCELLED:
    default:
      return _("No longer needed");
    }
}

static char *
dup_full_name (KithPatient *patient)
{
  const char *given = non_empty (kith_patient_get_given (patient));
  const char *family = non_empty (kith_patient_get_family (patient));

  if (given && family)
    return g_strdup_printf ("%s %s", given, family);
  return g_strdup (given ? given : family);
}

/* The last agreement, as kith_care_plan_agree() records it on the CarePlan:
 * a complex extension with the parts by, representative, how and when.
 * An under-review plan keeps the agreement it had. */
typedef struct
{
  const char *agreed_by;
  const char *how;
  const char *date;
  gboolean    by_representative;
} Agreement;

static const char *
extension_part (JsonObject *extension,
                const char *url,
                const char *value_member)
{
  JsonNode *node = json_object_get_member (extension, "extension");
  JsonArray *parts;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  parts = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (parts); i++)
    {
      JsonNode *part = json_array_get_element (parts, i);

      if (JSON_NODE_HOLDS_OBJECT (part) &&
          g_strcmp0 (kith_fhir_get_string (json_node_get_object (part), "url"), url) == 0)
        return kith_fhir_get_string (json_node_get_object (part), value_member);
    }
  return NULL;
}

static void
read_agreement (KithCarePlan *plan,
                Agreement    *agreement)
{
  JsonObject *json = kith_care_plan_get_json (plan);
  JsonNode *node = json ? json_object_get_member (json, "extension") : NULL;
  JsonArray *extensions;

  memset (agreement, 0, sizeof *agreement);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;

  extensions = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (extensions); i++)
    {
      JsonNode *element = json_array_get_element (extensions, i);
      JsonObject *extension;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      extension = json_node_get_object (element);
      if (g_strcmp0 (kith_fhir_get_string (extension, "url"), KITH_FHIR_SD "agreement") != 0)
        continue;
      agreement->agreed_by = non_empty (extension_part (extension, "by", "valueString"));
      agreement->how = non_empty (extension_part (extension, "how", "valueString"));
      agreement->date = extension_part (extension, "when", "valueDateTime");
      agreement->by_representative = g_strcmp0 (extension_part (extension, "representative", "valueString"),
                                                "true") == 0;
    }
}

/* Building the blocks */

static double
style_size (KithPlanDocument *self,
            Style             style)
{
  switch (style)
    {
    case STYLE_TITLE:       return self->m->title;
    case STYLE_NAME:        return self->m->name;
    case STYLE_HEADING:     return self->m->heading;
    case STYLE_SUBHEADING:  return self->m->subheading;
    case STYLE_BOX_HEADING: return self->m->box_heading;
    case STYLE_PHONE:       return self->m->phone;
    case STYLE_FOOTER:      return self->m->footer;
    case STYLE_BODY:
    case STYLE_STRONG:
    default:                return self->m->body;
    }
}

static PangoLayout *
create_layout (KithPlanDocument *self,
               Style             style,
               const char       *markup,
               double            width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (style_size (self, style) * PANGO_SCALE));
  if (style != STYLE_BODY && style != STYLE_FOOTER)
    pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing (layout, style == STYLE_TITLE ? 1.1 : self->m->line_spacing);
  pango_layout_set_markup (layout, markup, -1);
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

static double
left_edge (KithPlanDocument *self)
{
  return self->m->margin + (self->current_box >= 0 ? self->m->box_pad : 0) + self->indent;
}

static double
available_width (KithPlanDocument *self)
{
  return self->content_width - (self->current_box >= 0 ? 2 * self->m->box_pad : 0) - self->indent;
}

static Block *
add_markup (KithPlanDocument *self,
            Style             style,
            const char       *markup)
{
  Block *block = g_new0 (Block, 1);

  block->style = style;
  block->x = left_edge (self);
  block->box = self->current_box;
  block->layout = create_layout (self, style, markup, available_width (self));
  switch (style)
    {
    case STYLE_HEADING:
      block->space_before = self->m->section;
      block->keep_with_next = TRUE;
      break;
    case STYLE_SUBHEADING:
      block->space_before = self->m->item + self->m->paragraph;
      block->keep_with_next = TRUE;
      break;
    case STYLE_BOX_HEADING:
      block->keep_with_next = TRUE;
      break;
    case STYLE_NAME:
      block->space_before = self->m->paragraph;
      break;
    case STYLE_TITLE:
    case STYLE_BODY:
    case STYLE_STRONG:
    case STYLE_PHONE:
    case STYLE_FOOTER:
    default:
      block->space_before = self->m->paragraph;
      break;
    }
  measure_block (block);
  g_ptr_array_add (self->blocks, block);
  return block;
}

static Block *
add_text (KithPlanDocument *self,
          Style             style,
          const char       *text)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return add_markup (self, style, markup);
}

/* A list item with a bullet or number hanging to its left. */
static Block *
add_item_markup (KithPlanDocument *self,
                 const char       *label,
                 const char       *markup)
{
  Block *block;

  self->indent += self->m->hang;
  block = add_markup (self, STYLE_BODY, markup);
  self->indent -= self->m->hang;
  block->space_before = self->m->item;
  block->keep_together = TRUE;
  /* Right-aligned, a little clear of the text: "9." and "10." line up. */
  block->label = create_layout (self, STYLE_STRONG, label, self->m->hang - 0.4 * self->m->body);
  pango_layout_set_alignment (block->label, PANGO_ALIGN_RIGHT);
  return block;
}

/* A framed box. @title is repeated at the top of the next page when the
 * box does not fit on one. */
static void
begin_box (KithPlanDocument *self,
           const char       *title,
           gboolean          keep_together,
           gboolean          strong)
{
  Box box = { keep_together, strong, NULL, 0 };

  g_assert (self->current_box < 0);
  if (title)
    {
      /* TRANSLATORS: at the top of a page, when a box goes on from the page before */
      g_autofree char *text = g_strdup_printf (_("%s (continued)"), title);
      g_autofree char *markup = g_markup_escape_text (text, -1);
      PangoRectangle logical;

      box.continued = create_layout (self, STYLE_SUBHEADING, markup,
                                     self->content_width - 2 * self->m->box_pad);
      pango_layout_get_extents (box.continued, NULL, &logical);
      box.continued_height = (double) logical.height / PANGO_SCALE + self->m->paragraph;
    }
  g_array_append_val (self->boxes, box);
  self->current_box = self->boxes->len - 1;
}

static void
end_box (KithPlanDocument *self)
{
  self->current_box = -1;
}

static void
add_heading (KithPlanDocument *self,
             const char       *text)
{
  add_text (self, STYLE_HEADING, text);
}

static void
add_paragraphs_or (KithPlanDocument *self,
                   const char       *text,
                   const char       *if_empty)
{
  add_text (self, STYLE_BODY, non_empty (text) ? text : if_empty);
}

/* The sections, in the order the person reads them */

static void
add_title (KithPlanDocument *self,
           KithCarePlan     *plan,
           KithPatient      *patient)
{
  g_autoptr(GString) details = g_string_new (NULL);
  g_autofree char *name = NULL;
  Block *block;

  block = add_text (self, STYLE_TITLE, _("My care and support plan"));
  block->space_before = 0;

  if (patient == NULL)
    return;

  name = dup_full_name (patient);
  if (name != NULL)
    {
      const char *preferred = non_empty (kith_patient_get_preferred_name (patient));
      g_autofree char *line = NULL;

      if (preferred && g_strcmp0 (preferred, kith_patient_get_given (patient)) != 0)
        /* TRANSLATORS: "Margaret Smith — likes to be called Peggy" */
        line = g_strdup_printf (_("%s — likes to be called %s"), name, preferred);
      else
        line = g_strdup (name);
      add_text (self, STYLE_NAME, line);
    }

  if (kith_patient_get_nhs_number (patient))
    {
      g_autofree char *nhs = kith_nhs_number_format (kith_patient_get_nhs_number (patient));
      g_autofree char *part = g_markup_printf_escaped (_("NHS number: <b>%s</b>"), nhs);

      g_string_append (details, part);
    }
  if (kith_patient_get_birth_date (patient))
    {
      g_autofree char *born = kith_plan_document_format_date (kith_patient_get_birth_date (patient));

      if (born)
        {
          g_autofree char *part = g_markup_printf_escaped (_("Date of birth: <b>%s</b>"), born);

          if (details->len)
            g_string_append (details, "      ");
          g_string_append (details, part);
        }
    }
  if (details->len)
    add_markup (self, STYLE_BODY, details->str);
}

static void
add_agreement_line (KithPlanDocument *self,
                    KithCarePlan     *plan)
{
  KithPlanState state = kith_care_plan_get_state (plan);
  Agreement agreement;
  g_autofree char *when = NULL;
  Block *block;

  read_agreement (plan, &agreement);
  when = kith_plan_document_format_date (agreement.date);

  switch (state)
    {
    case KITH_PLAN_AGREED:
      {
        g_autofree char *line = NULL;

        if (agreement.by_representative && non_empty (agreement.agreed_by) && when)
          line = g_strdup_printf (_("Agreed on your behalf by %s on %s."), agreement.agreed_by, when);
        else if (agreement.by_representative && non_empty (agreement.agreed_by))
          line = g_strdup_printf (_("Agreed on your behalf by %s."), agreement.agreed_by);
        else if (when)
          line = g_strdup_printf (_("Agreed with you on %s."), when);
        else
          line = g_strdup (_("Agreed with you."));
        add_text (self, STYLE_STRONG, line);
      }
      return;
    case KITH_PLAN_UNDER_REVIEW:
      begin_box (self, NULL, TRUE, TRUE);
      block = add_text (self, STYLE_SUBHEADING,
                        _("Being looked at again — the changes are not yet agreed with you"));
      block->space_before = 0;
      block->keep_with_next = FALSE;
      end_box (self);
      return;
    case KITH_PLAN_ENDED:
      begin_box (self, NULL, TRUE, TRUE);
      block = add_text (self, STYLE_SUBHEADING, _("This plan has ended. Ask your care team for your new plan."));
      block->space_before = 0;
      block->keep_with_next = FALSE;
      end_box (self);
      return;
    case KITH_PLAN_DRAFT:
    default:
      begin_box (self, NULL, TRUE, TRUE);
      block = add_text (self, STYLE_SUBHEADING, _("Draft — not yet agreed with you"));
      block->space_before = 0;
      block->keep_with_next = FALSE;
      end_box (self);
      return;
    }
}

static void
add_coordinator (KithPlanDocument *self,
                 KithCarePlan     *plan,
                 KithPatient      *patient)
{
  const KithTeamMember *coordinator = kith_care_plan_get_coordinator (plan);
  Block *block;

  begin_box (self, _("One person to call"), TRUE, TRUE);
  add_text (self, STYLE_BOX_HEADING, _("One person to call"));

  if (coordinator == NULL || !non_empty (coordinator->name))
    {
      const char *practice = patient ? non_empty (kith_patient_get_gp_practice (patient)) : NULL;
      g_autofree char *line = NULL;

      if (practice)
        line = g_strdup_printf (_("No co-ordinator named yet — ask your GP practice, %s."), practice);
      else
        line = g_strdup (_("No co-ordinator named yet — ask your GP practice."));
      add_text (self, STYLE_STRONG, line);
      end_box (self);
      return;
    }

  add_text (self, STYLE_NAME, coordinator->name)->space_before = 0;
  add_text (self, STYLE_BODY, non_empty (member_role (coordinator)) ? member_role (coordinator)
                                                                    : _("Named care co-ordinator"))
    ->space_before = 0;
  if (non_empty (coordinator->phone))
    add_text (self, STYLE_PHONE, coordinator->phone);
  else
    add_text (self, STYLE_STRONG, _("No phone number written here yet — ask your GP practice."));
  if (non_empty (coordinator->hours))
    {
      g_autofree char *line = g_markup_printf_escaped (_("When to call: <b>%s</b>"), coordinator->hours);

      block = add_markup (self, STYLE_BODY, line);
      block->space_before = 0;
    }
  add_text (self, STYLE_BODY,
            _("Call them with any question about your care, or if something in this plan "
              "is not happening."));
  end_box (self);
}

/* A name (markup), when to call, and the number, big. Kept together. */
static void
add_contact (KithPlanDocument *self,
             const char       *name_markup,
             const char       *when,
             const char       *phone)
{
  g_autoptr(GString) markup = g_string_new (name_markup);
  Block *block;

  if (non_empty (when))
    {
      g_autofree char *escaped = g_markup_escape_text (when, -1);

      g_string_append (markup, " — ");
      g_string_append (markup, escaped);
    }
  if (non_empty (phone))
    {
      g_autofree char *escaped = g_markup_escape_text (phone, -1);

      g_string_append_printf (markup, "%s<span size=\"%d\" weight=\"bold\">%s</span>",
                              markup->len ? "\n" : "", (int) (self->m->phone * PANGO_SCALE), escaped);
    }
  block = add_markup (self, STYLE_BODY, markup->str);
  block->keep_together = TRUE;
  block->space_before = self->m->item;
}

static void
add_crisis (KithPlanDocument *self,
            KithCarePlan     *plan)
{
  g_autoptr(GPtrArray) contacts = kith_care_plan_list_crisis_contacts (plan);
  const KithTeamMember *coordinator = kith_care_plan_get_coordinator (plan);
  gboolean coordinator_listed = FALSE;
  Block *block;

  /* Not kept together: the numbers come first, and stay on the first page. */
  begin_box (self, _("If things go wrong"), FALSE, TRUE);
  add_text (self, STYLE_BOX_HEADING, _("If things go wrong"));

  block = add_text (self, STYLE_SUBHEADING, _("Who to call"));
  block->space_before = self->m->paragraph;
  if ((contacts == NULL || contacts->len == 0) && (coordinator == NULL || !non_empty (coordinator->phone)))
    add_text (self, STYLE_BODY, _("No names or numbers written here yet. Ask your care team to go "
                                  "through this with you."));
  for (guint i = 0; contacts && i < contacts->len; i++)
    {
      KithContact *contact = contacts->pdata[i];
      g_autofree char *name = NULL;

      if (!non_empty (contact->name) && !non_empty (contact->phone))
        continue;
      if (coordinator && non_empty (contact->phone) && g_strcmp0 (contact->phone, coordinator->phone) == 0)
        coordinator_listed = TRUE;
      name = non_empty (contact->name) ? g_markup_printf_escaped ("<b>%s</b>", contact->name) : g_strdup ("");
      add_contact (self, name, contact->when, contact->phone);
    }
  /* The one person to call is on the crisis card too, whatever the order. */
  if (coordinator && non_empty (coordinator->name) && non_empty (coordinator->phone) && !coordinator_listed)
    {
      /* TRANSLATORS: in "Who to call": "Bethan Hughes, your care co-ordinator" */
      g_autofree char *name = g_markup_printf_escaped (_("<b>%s</b>, your care co-ordinator"), coordinator->name);

      add_contact (self, name, coordinator->hours, coordinator->phone);
    }
  add_text (self, STYLE_STRONG,
            _("In an emergency, call 999. For urgent help that is not an emergency, call 111."))
    ->space_before = self->m->item;

  add_text (self, STYLE_SUBHEADING, _("Signs that things are getting worse"));
  add_paragraphs_or (self, kith_care_plan_get_warning_signs (plan),
                     _("Nothing written here yet. Talk with your care team about what to look out for."));
  add_text (self, STYLE_SUBHEADING, _("What to do"));
  add_paragraphs_or (self, kith_care_plan_get_crisis_actions (plan),
                     _("Nothing written here yet. Until it is, call one of the numbers above."));
  end_box (self);
}

static const KithGoal *
find_goal (GPtrArray  *goals,
           const char *goal_id,
           guint      *number)
{
  for (guint i = 0; goal_id && i < goals->len; i++)
    {
      const KithGoal *goal = goals->pdata[i];

      if (g_strcmp0 (goal->id, goal_id) == 0)
        {
          *number = i + 1;
          return goal;
        }
    }
  return NULL;
}

static void
add_goals (KithPlanDocument *self,
           GPtrArray        *goals)
{
  add_heading (self, _("My goals"));
  if (goals->len == 0)
    {
      add_text (self, STYLE_BODY, _("Nothing written here yet. What would you like to be able to do? "
                                    "Tell your care team in your own words."));
      return;
    }

  for (guint i = 0; i < goals->len; i++)
    {
      const KithGoal *goal = goals->pdata[i];
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autofree char *label = g_strdup_printf ("%u.", i + 1);
      g_autofree char *said_by = dup_said_by (goal->expressed_by);
      g_autofree char *part = NULL;

      part = g_markup_printf_escaped ("<b>“%s”</b>", non_empty (goal->text) ? goal->text : "");
      g_string_append (markup, part);
      g_clear_pointer (&part, g_free);
      /* TRANSLATORS: who said the goal: "you", "your daughter", a name */
      part = g_markup_printf_escaped (_("Said by %s."), said_by);
      g_string_append_c (markup, '\n');
      g_string_append (markup, part);
      g_clear_pointer (&part, g_free);
      if (non_empty (goal->measure))
        {
          part = g_markup_printf_escaped (_("How we will know: %s"), goal->measure);
          g_string_append_c (markup, '\n');
          g_string_append (markup, part);
          g_clear_pointer (&part, g_free);
        }
      if (goal->achieved)
        {
          part = g_markup_printf_escaped ("\n<b>%s</b>", _("Done — you have reached this goal."));
          g_string_append (markup, part);
        }
      add_item_markup (self, label, markup->str);
    }
}

static char *
dup_action_owner (const KithAction *action,
                  GPtrArray        *team)
{
  const char *owner = non_empty (action->owner);

  switch (action->owner_kind)
    {
    case KITH_OWNER_PERSON:
      return g_strdup (_("You"));
    case KITH_OWNER_CARER:
      if (owner && g_ascii_strcasecmp (owner, "carer") != 0 && g_ascii_strcasecmp (owner, "the carer") != 0)
        /* TRANSLATORS: "Your carer, Daniel Smith" */
        return g_strdup_printf (_("Your carer, %s"), owner);
      return g_strdup (_("Your carer"));
    case KITH_OWNER_PROFESSIONAL:
    default:
      if (owner == NULL)
        return g_strdup (_("Your care team"));
      for (guint i = 0; team && i < team->len; i++)
        {
          const KithTeamMember *member = team->pdata[i];
          const char *role = member_role (member);

          if (g_strcmp0 (member->name, owner) == 0 && non_empty (role))
            /* TRANSLATORS: a person and their role: "Dr Amir Khan, Community matron" */
            return g_strdup_printf (_("%s, %s"), owner, role);
        }
      return g_strdup (owner);
    }
}

static void
add_action (KithPlanDocument *self,
            const KithAction *action,
            GPtrArray        *team)
{
  g_autofree char *owner = dup_action_owner (action, team);
  g_autofree char *due = kith_plan_document_format_date (action->due);
  g_autoptr(GString) markup = g_string_new (NULL);
  g_autofree char *part = NULL;

  part = g_markup_printf_escaped ("<b>%s</b>\n", non_empty (action->text) ? action->text : "");
  g_string_append (markup, part);
  g_clear_pointer (&part, g_free);
  part = g_markup_printf_escaped (_("Who: %s"), owner);
  g_string_append (markup, part);
  g_clear_pointer (&part, g_free);
  if (due)
    {
      /* TRANSLATORS: an action's due date: "By 3 March 2027" */
      part = g_markup_printf_escaped (_("By %s"), due);
      g_string_append (markup, SEPARATOR);
      g_string_append (markup, part);
      g_clear_pointer (&part, g_free);
    }
  part = g_markup_printf_escaped ("<b>%s</b>", action_status_in_words (action->status));
  g_string_append (markup, SEPARATOR);
  g_string_append (markup, part);
  add_item_markup (self, "•", markup->str);
}

static void
add_actions (KithPlanDocument *self,
             GPtrArray        *goals,
             GPtrArray        *actions,
             GPtrArray        *team)
{
  guint shown = 0;
  gboolean other_heading = FALSE;

  add_heading (self, _("What we will do"));

  /* Under the goal each one serves, in the goals' order. */
  for (guint g = 0; g < goals->len; g++)
    {
      const KithGoal *goal = goals->pdata[g];
      gboolean heading = FALSE;

      for (guint i = 0; i < actions->len; i++)
        {
          const KithAction *action = actions->pdata[i];

          if (action->status == KITH_ACTION_CANCELLED || g_strcmp0 (action->goal_id, goal->id) != 0 ||
              goal->id == NULL)
            continue;
          if (!heading)
            {
              g_autofree char *line = g_strdup_printf (_("For goal %u: “%s”"), g + 1,
                                                       non_empty (goal->text) ? goal->text : "");

              add_text (self, STYLE_SUBHEADING, line);
              heading = TRUE;
            }
          add_action (self, action, team);
          shown++;
        }
    }

  for (guint i = 0; i < actions->len; i++)
    {
      const KithAction *action = actions->pdata[i];
      guint number;

      if (action->status == KITH_ACTION_CANCELLED || find_goal (goals, action->goal_id, &number))
        continue;
      if (!other_heading && shown > 0)
        add_text (self, STYLE_SUBHEADING, _("Other things we will do"));
      other_heading = TRUE;
      add_action (self, action, team);
      shown++;
    }

  if (shown == 0)
    add_text (self, STYLE_BODY, _("Nothing written here yet. Together we will agree who will do "
                                  "what, and by when."));
}

static void
add_support (KithPlanDocument *self,
             KithCarePlan     *plan)
{
  g_autoptr(GPtrArray) support = kith_care_plan_list_support (plan);

  add_heading (self, _("Support and services"));
  if (support == NULL || support->len == 0)
    {
      add_text (self, STYLE_BODY, _("Nothing written here yet. Ask your care team about groups, "
                                    "activities and services near you."));
      return;
    }
  for (guint i = 0; i < support->len; i++)
    {
      const KithSupport *item = support->pdata[i];
      const char *kind = support_kind_in_words (item->kind);
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autofree char *part = NULL;

      part = g_markup_printf_escaped ("<b>%s</b>", non_empty (item->name) ? item->name : "");
      g_string_append (markup, part);
      g_clear_pointer (&part, g_free);
      if (kind)
        {
          part = g_markup_printf_escaped ("\n%s", kind);
          g_string_append (markup, part);
          g_clear_pointer (&part, g_free);
        }
      if (non_empty (item->contact))
        {
          part = g_markup_printf_escaped (_("Contact: <b>%s</b>"), item->contact);
          g_string_append_c (markup, '\n');
          g_string_append (markup, part);
        }
      add_item_markup (self, "•", markup->str);
    }
}

static void
add_team (KithPlanDocument *self,
          GPtrArray        *team)
{
  add_heading (self, _("My care team"));
  if (team == NULL || team->len == 0)
    {
      add_text (self, STYLE_BODY, _("Nothing written here yet."));
      return;
    }
  for (guint i = 0; i < team->len; i++)
    {
      const KithTeamMember *member = team->pdata[i];
      const char *role = member_role (member);
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autofree char *part = NULL;

      part = g_markup_printf_escaped ("<b>%s</b>", non_empty (member->name) ? member->name : "");
      g_string_append (markup, part);
      g_clear_pointer (&part, g_free);
      if (non_empty (role))
        {
          part = g_markup_printf_escaped ("\n%s", role);
          g_string_append (markup, part);
          g_clear_pointer (&part, g_free);
        }
      if (non_empty (member->phone))
        {
          part = g_markup_printf_escaped (_("Phone: <b>%s</b>"), member->phone);
          g_string_append_c (markup, '\n');
          g_string_append (markup, part);
          g_clear_pointer (&part, g_free);
        }
      if (non_empty (member->hours))
        {
          part = g_markup_escape_text (member->hours, -1);
          g_string_append (markup, non_empty (member->phone) ? SEPARATOR : "\n");
          g_string_append (markup, part);
        }
      add_item_markup (self, "•", markup->str);
    }
}

static void
add_review (KithPlanDocument *self,
            KithCarePlan     *plan,
            const GDate      *printed)
{
  const KithTeamMember *coordinator = kith_care_plan_get_coordinator (plan);
  g_autofree char *review = kith_plan_document_format_date (kith_care_plan_get_review_date (plan));
  g_autofree char *tell = NULL;
  GDate today = *printed;
  Block *block;
  /* The crunch points, in the person's terms */
  static const char *crunch_points[] = {
    N_("you go into hospital, or come home from hospital"),
    N_("you move to a new home or a care home, or start with a new service"),
    N_("your health, or how you are managing, changes"),
  };

  add_heading (self, _("When we will look at this plan again"));
  if (review)
    {
      g_autofree char *line = g_markup_printf_escaped (_("We will look at this plan again with you by <b>%s</b>."),
                                                       review);

      add_markup (self, STYLE_BODY, line);
      if (kith_care_plan_is_review_due (plan, &today))
        add_text (self, STYLE_STRONG, _("This is due now. If nobody has been in touch, please call us."));
    }
  else
    add_text (self, STYLE_BODY, _("No date set yet. Ask your care team when it will be."));

  add_text (self, STYLE_BODY, _("We will look at it sooner if:"));
  for (guint i = 0; i < G_N_ELEMENTS (crunch_points); i++)
    {
      g_autofree char *markup = g_markup_escape_text (_(crunch_points[i]), -1);

      block = add_item_markup (self, "•", markup);
      block->space_before = self->m->paragraph / 2;
    }

  if (coordinator && non_empty (coordinator->name) && non_empty (coordinator->phone))
    tell = g_strdup_printf (_("If any of these happen, please tell %s on %s."),
                            coordinator->name, coordinator->phone);
  else if (coordinator && non_empty (coordinator->name))
    tell = g_strdup_printf (_("If any of these happen, please tell %s."), coordinator->name);
  else
    tell = g_strdup (_("If any of these happen, please tell your GP practice."));
  add_text (self, STYLE_BODY, tell);
}

static void
add_agreement (KithPlanDocument *self,
               KithCarePlan     *plan)
{
  Agreement agreement;
  g_autofree char *when = NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  read_agreement (plan, &agreement);
  when = kith_plan_document_format_date (agreement.date);

  add_heading (self, _("Agreeing this plan"));
  switch (kith_care_plan_get_state (plan))
    {
    case KITH_PLAN_AGREED:
      if (agreement.by_representative && non_empty (agreement.agreed_by) && when)
        g_string_append_printf (text, _("This plan was agreed on your behalf by %s on %s."),
                                agreement.agreed_by, when);
      else if (agreement.by_representative && non_empty (agreement.agreed_by))
        g_string_append_printf (text, _("This plan was agreed on your behalf by %s."), agreement.agreed_by);
      else if (when)
        g_string_append_printf (text, _("You agreed this plan with us on %s."), when);
      else
        g_string_append (text, _("You agreed this plan with us."));
      if (non_empty (agreement.how))
        {
          g_string_append_c (text, ' ');
          /* TRANSLATORS: how the plan was agreed: "in person at home", "by phone" */
          g_string_append_printf (text, _("How it was agreed: %s."), agreement.how);
        }
      g_string_append_c (text, ' ');
      g_string_append (text, _("If anything here is wrong or missing, tell us and we will change it."));
      add_text (self, STYLE_BODY, text->str);
      break;
    case KITH_PLAN_UNDER_REVIEW:
      add_text (self, STYLE_STRONG, _("Being looked at again — the changes are not yet agreed with you."));
      if (when)
        {
          g_autofree char *line = g_strdup_printf (_("The plan before these changes was agreed on %s."), when);

          add_text (self, STYLE_BODY, line);
        }
      add_text (self, STYLE_BODY, _("We will go through the changes with you before they are agreed."));
      break;
    case KITH_PLAN_ENDED:
      add_text (self, STYLE_STRONG, _("This plan has ended."));
      break;
    case KITH_PLAN_DRAFT:
    default:
      add_text (self, STYLE_STRONG, _("Draft — not yet agreed with you."));
      add_text (self, STYLE_BODY, _("This plan is not final until you, or someone you choose, have "
                                    "agreed it with us. If anything here is wrong or missing, tell us."));
      break;
    }
}

static void
build (KithPlanDocument *self,
       KithCarePlan     *plan,
       KithPatient      *patient,
       gboolean          crisis_first,
       const GDate      *printed)
{
  g_autoptr(GPtrArray) goals = kith_care_plan_list_goals (plan);
  g_autoptr(GPtrArray) actions = kith_care_plan_list_actions (plan);
  g_autoptr(GPtrArray) team = kith_care_plan_list_team (plan);

  if (goals == NULL)
    goals = g_ptr_array_new ();
  if (actions == NULL)
    actions = g_ptr_array_new ();

  add_title (self, plan, patient);
  add_agreement_line (self, plan);
  if (crisis_first)
    {
      add_crisis (self, plan);
      add_coordinator (self, plan, patient);
    }
  else
    {
      add_coordinator (self, plan, patient);
      add_crisis (self, plan);
    }

  add_heading (self, _("About me"));
  add_paragraphs_or (self, kith_care_plan_get_about_me (plan), _("Nothing written here yet."));
  add_heading (self, _("What matters to me"));
  add_paragraphs_or (self, kith_care_plan_get_what_matters (plan), _("Nothing written here yet."));
  add_goals (self, goals);
  add_actions (self, goals, actions, team);
  add_support (self, plan);
  add_heading (self, _("My medicines"));
  add_paragraphs_or (self, kith_care_plan_get_medicines_note (plan),
                     _("Nothing written here yet. Ask your GP or pharmacist to go through your "
                       "medicines with you."));
  add_team (self, team);
  add_heading (self, _("Sharing my information"));
  add_paragraphs_or (self, kith_care_plan_get_consent_to_share (plan),
                     _("Nothing written here yet. You decide who may see this plan: tell your "
                       "care team."));
  add_review (self, plan, printed);
  add_agreement (self, plan);
}

/* Pagination */

typedef struct
{
  KithPlanDocument *self;
  Page             *page;
  double            y;
  gboolean          fresh;     /* nothing placed on this page (or in this box part) yet */
  int               open_box;
  double            box_y0;
  gboolean          box_continued;
} Paginator;

static void
paginator_new_page (Paginator *p)
{
  p->page = g_new0 (Page, 1);
  p->page->placements = g_array_new (FALSE, FALSE, sizeof (Placement));
  p->page->boxes = g_array_new (FALSE, FALSE, sizeof (BoxRect));
  g_ptr_array_add (p->self->pages, p->page);
  p->y = p->self->m->margin;
  if (p->self->pages->len > 1)
    p->y += p->self->m->footer * 2.2;   /* the running title */
  p->fresh = TRUE;
}

static void
paginator_close_box (Paginator *p)
{
  BoxRect rect = { p->open_box, p->box_y0, p->y + p->self->m->box_pad, p->box_continued };

  g_array_append_val (p->page->boxes, rect);
  p->y = rect.y1;
}

static void
paginator_break_page (Paginator *p)
{
  if (p->open_box >= 0)
    paginator_close_box (p);
  paginator_new_page (p);
  if (p->open_box >= 0)
    {
      Box *box = &g_array_index (p->self->boxes, Box, p->open_box);

      p->box_y0 = p->y;
      p->box_continued = TRUE;
      p->y += p->self->m->box_pad + (box->continued ? box->continued_height : 0);
    }
}

static double
paginator_bottom (Paginator *p)
{
  return p->self->content_bottom - (p->open_box >= 0 ? p->self->m->box_pad : 0);
}

static double
box_height (KithPlanDocument *self,
            guint             first_block)
{
  Block *first = self->blocks->pdata[first_block];
  double height = 2 * self->m->box_pad;

  for (guint i = first_block; i < self->blocks->len; i++)
    {
      Block *block = self->blocks->pdata[i];

      if (block->box != first->box)
        break;
      if (i > first_block)
        height += block->space_before;
      height += block_height (block, 0, block->n_lines);
    }
  return height;
}

/* The height a block needs on this page before it may start here. */
static double
block_need (KithPlanDocument *self,
            guint             index)
{
  Block *block = self->blocks->pdata[index];
  double need;

  if (block->keep_together)
    return block_height (block, 0, block->n_lines);
  need = block_height (block, 0, MIN (block->n_lines, 2));
  if (block->keep_with_next && index + 1 < self->blocks->len)
    {
      Block *next = self->blocks->pdata[index + 1];

      need = block_height (block, 0, block->n_lines) + next->space_before;
      if (next->keep_together || next->n_lines <= 3)
        need += block_height (next, 0, next->n_lines);
      else
        need += block_height (next, 0, 2);
    }
  return need;
}

static void
paginate (KithPlanDocument *self)
{
  Paginator p = { self, NULL, 0, TRUE, -1, 0, FALSE };
  /* The most a page holds, for things that can move whole to the next */
  double page_room = self->content_bottom - self->m->margin - self->m->footer * 2.2 - 2 * self->m->box_pad;

  paginator_new_page (&p);
  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = self->blocks->pdata[i];
      double space, need;
      guint first = 0;

      if (block->box != p.open_box)
        {
          if (p.open_box >= 0)
            {
              paginator_close_box (&p);
              p.open_box = -1;
            }
          if (block->box >= 0)
            {
              Box *box = &g_array_index (self->boxes, Box, block->box);
              double before = p.fresh ? 0 : self->m->section * 0.75;
              double want = box->keep_together ? box_height (self, i)
                                               : 2 * self->m->box_pad + block_need (self, i);

              if (!p.fresh && want <= page_room && p.y + before + want > self->content_bottom)
                {
                  paginator_new_page (&p);
                  before = 0;
                }
              p.y += before;
              p.open_box = block->box;
              p.box_y0 = p.y;
              p.box_continued = FALSE;
              p.y += self->m->box_pad;
              p.fresh = TRUE;
            }
        }

      space = p.fresh ? 0 : block->space_before;
      need = block_need (self, i);
      if (!p.fresh && need <= page_room && p.y + space + need > paginator_bottom (&p))
        {
          paginator_break_page (&p);
          space = 0;
        }
      p.y += space;

      /* Place the lines, breaking between them at the bottom of a page. */
      while (first < block->n_lines)
        {
          Placement placement = { i, first, 0, p.y };
          guint last = first;

          while (last < block->n_lines &&
                 p.y + block_height (block, first, last - first + 1) <= paginator_bottom (&p))
            last++;
          if (last == first && p.fresh)
            last++;   /* taller than a page: a fresh page always takes a line */
          if (last == first)
            {
              paginator_break_page (&p);
              continue;
            }
          placement.n_lines = last - first;
          g_array_append_val (p.page->placements, placement);
          p.y += block_height (block, first, last - first);
          p.fresh = FALSE;
          first = last;
          if (first < block->n_lines)
            paginator_break_page (&p);
        }
    }
  if (p.open_box >= 0)
    paginator_close_box (&p);
}

/* Drawing */

static void
draw_layout_lines (cairo_t     *cr,
                   const Block *block,
                   guint        first_line,
                   guint        n_lines,
                   double       y)
{
  for (guint l = first_line; l < first_line + n_lines; l++)
    {
      PangoLayoutLine *line = pango_layout_get_line_readonly (block->layout, l);

      cairo_move_to (cr, block->x, y + block->baseline[l] - block->line_top[first_line]);
      pango_cairo_show_layout_line (cr, line);
    }
}

static void
draw_footer (KithPlanDocument *self,
             cairo_t          *cr,
             guint             page_nr)
{
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  guint n_pages = self->pages->len;
  double width = self->content_width;
  PangoRectangle logical;

  if (self->changed_on)
    /* TRANSLATORS: the footer on every page of the printed plan; the second
     * date is when the plan last changed, so that the person and whoever
     * they call can tell whether they hold the same plan */
    text = g_strdup_printf (_("Printed on %s  ·  Plan of %s  ·  Page %u of %u"),
                            self->printed_on, self->changed_on, page_nr + 1, n_pages);
  else
    text = g_strdup_printf (_("Printed on %s  ·  Not yet saved  ·  Page %u of %u"),
                            self->printed_on, page_nr + 1, n_pages);
  layout = create_layout (self, STYLE_FOOTER, "", width);
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);

  cairo_set_line_width (cr, 0.75);
  cairo_move_to (cr, self->m->margin, self->content_bottom + self->m->footer * 0.9);
  cairo_rel_line_to (cr, width, 0);
  cairo_stroke (cr);
  cairo_move_to (cr, self->m->margin, self->content_bottom + self->m->footer * 1.3);
  pango_cairo_show_layout (cr, layout);

  if (page_nr > 0 && self->running_title)
    {
      g_autoptr(PangoLayout) title = create_layout (self, STYLE_FOOTER, "", width);

      pango_layout_set_text (title, self->running_title, -1);
      cairo_move_to (cr, self->m->margin, self->m->margin);
      pango_cairo_show_layout (cr, title);
    }
}

/* "How I am doing": a chart per measure, as many to a page as fit. The
 * pages are drawn directly rather than laid out as blocks: a chart is
 * never split. */

#define TREND_CHART_HEIGHT 170

static double
trend_slot_height (KithPlanDocument *self)
{
  /* title, one line about it, the chart, space */
  return self->m->subheading * 1.6 + self->m->body * self->m->line_spacing * 2.2 + TREND_CHART_HEIGHT +
         self->m->section;
}

static double
trend_top (KithPlanDocument *self)
{
  /* the running title, then the page heading */
  return self->m->margin + self->m->footer * 2.2 + self->m->heading * 2.2;
}

static void
add_trend_pages (KithPlanDocument *self,
                 GPtrArray        *trends)
{
  guint n_pages;

  self->trends = g_ptr_array_new_with_free_func ((GDestroyNotify) kith_series_free);
  for (guint i = 0; trends && i < trends->len; i++)
    g_ptr_array_add (self->trends, kith_series_copy (trends->pdata[i]));
  self->charts_per_page = MAX (1, (guint) ((self->content_bottom - trend_top (self)) / trend_slot_height (self)));
  n_pages = MAX (1, (self->trends->len + self->charts_per_page - 1) / self->charts_per_page);
  self->first_trend_page = self->pages->len;
  for (guint i = 0; i < n_pages; i++)
    {
      Page *page = g_new0 (Page, 1);

      page->placements = g_array_new (FALSE, FALSE, sizeof (Placement));
      page->boxes = g_array_new (FALSE, FALSE, sizeof (BoxRect));
      g_ptr_array_add (self->pages, page);
    }
}

static double
show_text (KithPlanDocument *self,
           cairo_t          *cr,
           Style             style,
           const char       *text,
           double            y)
{
  g_autoptr(PangoLayout) layout = create_layout (self, style, "", self->content_width);
  PangoRectangle logical;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);
  cairo_move_to (cr, self->m->margin, y);
  pango_cairo_show_layout (cr, layout);
  return y + (double) logical.height / PANGO_SCALE;
}

static void
draw_trend_page (KithPlanDocument *self,
                 cairo_t          *cr,
                 guint             trend_page)
{
  KithTrendStyle style = {
    .foreground = { 0, 0, 0, 1 }, .accent = { 0.1, 0.3, 0.7, 1 }, .background = { 1, 1, 1, 1 },
    .font_family = FONT_FAMILY, .font_size = self->m->footer, .dark = FALSE, .selected = -1,
  };
  guint first = trend_page * self->charts_per_page;
  double y = self->m->margin + self->m->footer * 2.2;

  cairo_save (cr);
  y = show_text (self, cr, STYLE_HEADING, trend_page == 0 ? _("How I am doing")
                                                          : _("How I am doing (continued)"), y);
  cairo_set_line_width (cr, 1.5);
  cairo_move_to (cr, self->m->margin, y + 1.5);
  cairo_rel_line_to (cr, self->content_width, 0);
  cairo_stroke (cr);
  y = trend_top (self);

  if (self->trends->len == 0)
    show_text (self, cr, STYLE_BODY, _("No scores recorded yet."), y);
  for (guint i = first; i < self->trends->len && i < first + self->charts_per_page; i++)
    {
      const KithSeries *series = self->trends->pdata[i];
      double slot = y;

      y = show_text (self, cr, STYLE_SUBHEADING, series->title, y);
      if (series->about)
        y = show_text (self, cr, STYLE_BODY, series->about, y);
      cairo_save (cr);
      cairo_translate (cr, self->m->margin, y + 4);
      kith_trend_draw (cr, series, self->content_width, TREND_CHART_HEIGHT, &style, NULL);
      cairo_restore (cr);
      y = slot + trend_slot_height (self);
    }
  cairo_restore (cr);
}

static void
kith_plan_document_finalize (GObject *object)
{
  KithPlanDocument *self = (KithPlanDocument *) object;

  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_pointer (&self->boxes, g_array_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->running_title, g_free);
  g_clear_pointer (&self->printed_on, g_free);
  g_clear_pointer (&self->changed_on, g_free);
  g_clear_pointer (&self->trends, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_plan_document_parent_class)->finalize (object);
}

static void
kith_plan_document_class_init (KithPlanDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_plan_document_finalize;
}

static void
kith_plan_document_init (KithPlanDocument *self)
{
  self->blocks = g_ptr_array_new_with_free_func (block_free);
  self->boxes = g_array_new (FALSE, FALSE, sizeof (Box));
  g_array_set_clear_func (self->boxes, box_clear);
  self->pages = g_ptr_array_new_with_free_func (page_free);
  self->current_box = -1;
}

/* Public API */

char *
kith_plan_document_format_date (const char *iso_date)
{
  GDate date;

  if (!parse_iso_date (iso_date, &date))
    return NULL;
  return format_gdate (&date);
}

KithPlanDocument *
kith_plan_document_new (KithCarePlan                  *plan,
                        KithPatient                   *patient,
                        const KithPlanDocumentOptions *options,
                        double                         page_width,
                        double                         page_height)
{
  KithPlanDocument *self;
  cairo_font_options_t *font_options;
  gboolean crisis_first;
  GDate printed;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (plan), NULL);
  g_return_val_if_fail (patient == NULL || KITH_IS_PATIENT (patient), NULL);
  g_return_val_if_fail (page_width > 100 && page_height > 100, NULL);

  self = g_object_new (KITH_TYPE_PLAN_DOCUMENT, NULL);
  self->m = options && options->large_print ? &large_print : &normal_print;
  self->page_width = page_width;
  self->page_height = page_height;
  self->content_width = page_width - 2 * self->m->margin;
  self->content_bottom = page_height - self->m->margin_bottom - self->m->footer * 3;

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, font_options);
  cairo_font_options_destroy (font_options);

  if (options == NULL || options->printed_on == NULL || !parse_iso_date (options->printed_on, &printed))
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      g_date_clear (&printed, 1);
      g_date_set_dmy (&printed, g_date_time_get_day_of_month (now), g_date_time_get_month (now),
                      g_date_time_get_year (now));
    }
  self->printed_on = format_gdate (&printed);
  /* The person's copy names the plan by when it last changed: a version
   * id (and an unsynced one above all, as "12.L3") means nothing to them. */
  {
    const char *updated = kith_fhir_get_last_updated (kith_care_plan_get_json (plan));
    GDate changed;

    if (non_empty (kith_care_plan_get_version (plan)) && parse_iso_date (updated, &changed))
      self->changed_on = format_gdate (&changed);
  }
  if (patient)
    {
      g_autofree char *name = dup_full_name (patient);

      if (name)
        /* TRANSLATORS: at the top of every page after the first */
        self->running_title = g_strdup_printf (_("My care and support plan — %s"), name);
    }

  crisis_first = options ? options->crisis_first : kith_care_plan_get_crisis_first (plan);
  build (self, plan, patient, crisis_first, &printed);
  paginate (self);
  if (options && options->include_trends)
    add_trend_pages (self, options->trends);
  return self;
}

guint
kith_plan_document_get_n_pages (KithPlanDocument *self)
{
  g_return_val_if_fail (KITH_IS_PLAN_DOCUMENT (self), 0);

  return self->pages->len;
}

void
kith_plan_document_draw_page (KithPlanDocument *self,
                              cairo_t          *cr,
                              guint             page_nr)
{
  Page *page;

  g_return_if_fail (KITH_IS_PLAN_DOCUMENT (self));
  g_return_if_fail (cr != NULL);
  g_return_if_fail (page_nr < self->pages->len);

  page = self->pages->pdata[page_nr];
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, self->page_width, self->page_height);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  if (self->trends && page_nr >= self->first_trend_page)
    draw_trend_page (self, cr, page_nr - self->first_trend_page);

  for (guint i = 0; i < page->boxes->len; i++)
    {
      BoxRect *rect = &g_array_index (page->boxes, BoxRect, i);
      Box *box = &g_array_index (self->boxes, Box, rect->box);
      double w = box->strong ? 2.5 : 1;

      cairo_set_line_width (cr, w);
      cairo_rectangle (cr, self->m->margin + w / 2, rect->y0 + w / 2,
                       self->content_width - w, rect->y1 - rect->y0 - w);
      cairo_stroke (cr);
      if (rect->continued && box->continued)
        {
          cairo_move_to (cr, self->m->margin + self->m->box_pad, rect->y0 + self->m->box_pad);
          pango_cairo_show_layout (cr, box->continued);
        }
    }

  for (guint i = 0; i < page->placements->len; i++)
    {
      Placement *placement = &g_array_index (page->placements, Placement, i);
      Block *block = self->blocks->pdata[placement->block];

      draw_layout_lines (cr, block, placement->first_line, placement->n_lines, placement->y);
      if (block->label && placement->first_line == 0)
        {
          cairo_move_to (cr, block->x - self->m->hang,
                         placement->y + block->baseline[0] - block->line_top[0] -
                         (double) pango_layout_get_baseline (block->label) / PANGO_SCALE);
          pango_cairo_show_layout (cr, block->label);
        }
      if (block->style == STYLE_HEADING && placement->first_line + placement->n_lines == block->n_lines)
        {
          double y = placement->y + block_height (block, placement->first_line, placement->n_lines) + 1.5;

          cairo_set_line_width (cr, 1.5);
          cairo_move_to (cr, block->x, y);
          cairo_line_to (cr, self->m->margin + self->content_width, y);
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
  kith_plan_document_draw_page (document, cr, page);
}

gboolean
kith_plan_document_export_pdf (KithCarePlan                  *plan,
                               KithPatient                   *patient,
                               const KithPlanDocumentOptions *options,
                               const char                    *path,
                               GError                       **error)
{
  g_autoptr(KithPlanDocument) document = NULL;

  g_return_val_if_fail (KITH_IS_CARE_PLAN (plan), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  document = kith_plan_document_new (plan, patient, options, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                     KITH_PLAN_DOCUMENT_A4_HEIGHT);
  return kith_pdf_write (path, KITH_PLAN_DOCUMENT_A4_WIDTH, KITH_PLAN_DOCUMENT_A4_HEIGHT,
                         _("My care and support plan"), kith_plan_document_get_n_pages (document),
                         draw_page_cb, document, error);
}
