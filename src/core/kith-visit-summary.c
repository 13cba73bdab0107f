/* kith-visit-summary.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The page left in the home after a visit. Unlike the care plan document
 * it never runs onto a second page: the fixed parts (names, numbers to
 * call) are measured first, then the room left is shared between the four
 * parts that can be long (the notes, the actions, the warning signs and
 * what to do), each getting what it needs if it can, and the rest cut with
 * "…". Layouts come from a private Pango context at 72 dpi with unhinted
 * metrics, as in kith-plan-document.c, so the page is the same everywhere.
 */

#define G_LOG_DOMAIN "kith-visit-summary"

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
#include "kith-plan-document.h"
#include "kith-store.h"
#include "kith-sync.h"
#include "kith-visit-summary.h"
#include "kith-pdf.h"

#define FONT_FAMILY   "Cantarell, DejaVu Sans, sans-serif"
#define SEPARATOR     "   ·   "
/* Large clear type: body text 15 pt, nothing smaller than 12 pt */
#define TITLE_SIZE    17.0
#define NAME_SIZE     24.0
#define HEADING_SIZE  18.0
#define BODY_SIZE     15.0
#define PHONE_SIZE    17.0
#define FOOTER_SIZE   12.0
#define LINE_SPACING  1.15
#define MARGIN        46.0
#define MARGIN_TOP    40.0
#define MARGIN_BOTTOM 36.0
#define GAP_SECTION   14.0
#define GAP_ITEM      6.0
#define BOX_PAD       10.0
#define BOX_LINE      2.5
#define MAX_CONTACTS  4
#define ACTION_LINES  3
#define HANG          16.0

typedef enum
{
  POOL_FIXED = -1,
  POOL_NOTES,
  POOL_ACTIONS,
  POOL_SIGNS,
  POOL_TO_DO,
  N_POOLS
} Pool;

/* How the room is shared when everything is long: the actions a little
 * more, as they are a list. */
static const double pool_weight[N_POOLS] = { 1.0, 1.25, 1.0, 1.0 };

typedef struct
{
  PangoLayout *layout;
  PangoLayout *bullet;        /* in the hanging indent, or NULL */
  char        *text;          /* a text pool's whole text, to cut */
  double       x;
  double       space_before;
  double       y;             /* the top, once placed */
  Pool         pool;
  gboolean     in_box;
  gboolean     rule;          /* a section heading, ruled underneath */
  gboolean     hidden;        /* cut to fit */
  gboolean     more;          /* "…and 12 more": shown only when cut */
  char        *short_markup;  /* a fixed item made to fit on one line, or NULL */
  gboolean     keep;          /* never made shorter */
  gboolean     contact;       /* a number to call */
  gboolean     contacts_more; /* "…and 3 more numbers": shown when some are left out */
} Item;

struct _KithVisitSummary
{
  GObject       parent_instance;

  PangoContext *context;
  double        page_width;
  double        page_height;
  double        content_width;
  GPtrArray    *items;        /* Item */
  PangoLayout  *rest_note;    /* the full plan has the rest */
  PangoLayout  *footer;
  double        rest_y;
  double        footer_y;
  double        box_y0;
  double        box_y1;
  gboolean      truncated;
  guint         n_contacts;   /* numbers to call, shown or not */

  /* While building */
  Pool          pool;
  gboolean      in_box;
};

G_DEFINE_FINAL_TYPE (KithVisitSummary, kith_visit_summary, G_TYPE_OBJECT)

/* Helpers */

static void
item_free (gpointer data)
{
  Item *item = data;

  g_clear_object (&item->layout);
  g_clear_object (&item->bullet);
  g_free (item->text);
  g_free (item->short_markup);
  g_free (item);
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

static double
layout_height (PangoLayout *layout)
{
  PangoRectangle logical;

  pango_layout_get_extents (layout, NULL, &logical);
  return (double) logical.height / PANGO_SCALE;
}

static PangoLayout *
make_layout (KithVisitSummary *self,
             double            size,
             gboolean          bold,
             double            width)
{
  PangoLayout *layout = pango_layout_new (self->context);
  g_autoptr(PangoFontDescription) font = pango_font_description_from_string (FONT_FAMILY);

  pango_font_description_set_size (font, (int) (size * PANGO_SCALE));
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing (layout, LINE_SPACING);
  return layout;
}

/* At most @lines lines a paragraph, ending "…": a name or a number is
 * never allowed to push the page's other parts off it. */
static void
cap_lines (PangoLayout *layout,
           int          lines)
{
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -lines);
}

static Item *
add_item (KithVisitSummary *self,
          double            size,
          gboolean          bold,
          const char       *markup,
          double            space_before)
{
  Item *item = g_new0 (Item, 1);
  double indent = self->in_box ? BOX_PAD + BOX_LINE : 0;

  item->x = MARGIN + indent;
  item->layout = make_layout (self, size, bold, self->content_width - 2 * indent);
  pango_layout_set_markup (item->layout, markup, -1);
  item->space_before = space_before;
  item->pool = self->pool;
  item->in_box = self->in_box;
  g_ptr_array_add (self->items, item);
  return item;
}

static Item *
add_text (KithVisitSummary *self,
          double            size,
          gboolean          bold,
          const char       *text,
          double            space_before)
{
  g_autofree char *markup = g_markup_escape_text (text, -1);

  return add_item (self, size, bold, markup, space_before);
}

static Item *
add_heading (KithVisitSummary *self,
             const char       *text)
{
  Item *item = add_text (self, HEADING_SIZE, TRUE, text, GAP_SECTION);

  cap_lines (item->layout, 1);
  item->rule = !self->in_box;
  return item;
}

/* A bullet in the margin, the lines of the item indented past it. */
static void
hang_bullet (KithVisitSummary *self,
             Item             *item)
{
  item->x += HANG;
  pango_layout_set_width (item->layout, pango_layout_get_width (item->layout) - (int) (HANG * PANGO_SCALE));
  item->bullet = make_layout (self, BODY_SIZE, TRUE, HANG);
  pango_layout_set_text (item->bullet, "•", -1);
}

static void
add_subheading (KithVisitSummary *self,
                const char       *text)
{
  cap_lines (add_text (self, BODY_SIZE, TRUE, text, GAP_ITEM)->layout, 1);
}

/* A text that may be cut: the notes, the warning signs, what to do. */
static void
add_pool_text (KithVisitSummary *self,
               Pool              pool,
               const char       *text)
{
  Item *item;

  self->pool = pool;
  item = add_text (self, BODY_SIZE, FALSE, text, 2);
  item->text = g_strdup (text);
  self->pool = POOL_FIXED;
}

/* Sets the longest start of @item's text, cut after a word and ending "…",
 * that is at most @max_height high. TRUE when it had to be cut. */
static gboolean
fit_text (Item   *item,
          double  max_height)
{
  glong n_chars = g_utf8_strlen (item->text, -1);
  glong lo = 0, hi = n_chars;
  g_autofree char *cut = NULL;
  const char *end;

  pango_layout_set_text (item->layout, item->text, -1);
  if (layout_height (item->layout) <= max_height)
    return FALSE;

  while (lo < hi)
    {
      glong mid = (lo + hi + 1) / 2;
      const char *at = g_utf8_offset_to_pointer (item->text, mid);
      g_autofree char *prefix = g_strndup (item->text, at - item->text);
      g_autofree char *candidate = g_strconcat (g_strchomp (prefix), "…", NULL);

      pango_layout_set_text (item->layout, candidate, -1);
      if (layout_height (item->layout) <= max_height)
        lo = mid;
      else
        hi = mid - 1;
    }

  /* Back to the end of the last whole word, when there is one nearby. */
  end = g_utf8_offset_to_pointer (item->text, lo);
  if (lo < n_chars && !g_unichar_isspace (g_utf8_get_char (end)))
    {
      const char *word = end;
      guint back = 0;

      while (word > item->text && back < 24 && !g_unichar_isspace (g_utf8_get_char (g_utf8_prev_char (word))))
        {
          word = g_utf8_prev_char (word);
          back++;
        }
      if (word > item->text && back < 24)
        end = word;
    }
  cut = g_strndup (item->text, end - item->text);
  g_strchomp (cut);
  {
    g_autofree char *shown = g_strconcat (cut, "…", NULL);

    pango_layout_set_text (item->layout, shown, -1);
  }
  return TRUE;
}

static double
item_extent (Item *item)
{
  return item->space_before + layout_height (item->layout);
}

/* "3 March 2027 at 10:30", or the date alone */
static char *
format_when (const char *when)
{
  g_autofree char *date = kith_plan_document_format_date (when);
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *time = NULL;

  if (date == NULL)
    return NULL;
  if (strlen (when) <= 10 || (utc = g_date_time_new_from_iso8601 (when, NULL)) == NULL)
    return g_steal_pointer (&date);
  local = g_date_time_to_local (utc);
  time = g_date_time_format (local, "%H:%M");
  /* TRANSLATORS: when the visit was: "3 March 2027 at 10:30" */
  return g_strdup_printf (_("%s at %s"), date, time);
}

static char *
dup_person_name (KithPatient *patient)
{
  const char *given = non_empty (kith_patient_get_given (patient));
  const char *family = non_empty (kith_patient_get_family (patient));

  if (given && family)
    return g_strdup_printf ("%s %s", given, family);
  if (given || family)
    return g_strdup (given ? given : family);
  return NULL;
}

static char *
owner_in_words (const KithAction *action)
{
  switch (action->owner_kind)
    {
    case KITH_OWNER_PERSON:
      return g_strdup (_("You"));
    case KITH_OWNER_CARER:
      if (non_empty (action->owner) && g_strcmp0 (action->owner, _("the carer")) != 0)
        /* TRANSLATORS: who will do an action: "Your carer, Daniel Smith" */
        return g_strdup_printf (_("Your carer, %s"), action->owner);
      return g_strdup (_("Your carer"));
    case KITH_OWNER_PROFESSIONAL:
    default:
      return g_strdup (non_empty (action->owner) ? action->owner : _("Your care team"));
    }
}

static int
compare_by_due (gconstpointer a,
                gconstpointer b)
{
  const KithAction *x = *(KithAction * const *) a;
  const KithAction *y = *(KithAction * const *) b;

  /* Undated last */
  if (non_empty (x->due) == NULL || non_empty (y->due) == NULL)
    return (non_empty (x->due) == NULL) - (non_empty (y->due) == NULL);
  return strcmp (x->due, y->due);
}

/* Building */

static void
add_header (KithVisitSummary       *self,
            KithPatient            *patient,
            const KithContactEntry *contact,
            const char             *printed_on)
{
  g_autofree char *name = patient ? dup_person_name (patient) : NULL;
  g_autofree char *when = format_when (contact && contact->when ? contact->when : printed_on);
  g_autofree char *line = NULL;

  if (name)
    cap_lines (add_text (self, NAME_SIZE, TRUE, name, 0)->layout, 2);
  if (when)
    /* TRANSLATORS: under the person's name: "After your visit on 3 March 2027 at 10:30" */
    line = g_strdup_printf (_("After your visit on %s"), when);
  cap_lines (add_text (self, TITLE_SIZE, FALSE, line ? line : _("After your visit"), 0)->layout, 2);
}

static void
add_visitors (KithVisitSummary       *self,
              KithCarePlan           *plan,
              const KithContactEntry *contact)
{
  const KithTeamMember *coordinator = plan ? kith_care_plan_get_coordinator (plan) : NULL;
  const char *visitor = contact && contact->participants ? contact->participants[0] : NULL;

  add_heading (self, _("Who came to see you"));
  if (non_empty (visitor))
    {
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autofree char *first = g_markup_printf_escaped ("<b>%s</b>", visitor);

      g_string_append (markup, first);
      if (contact->participants[1] != NULL)
        {
          g_autofree char *others = g_strjoinv (", ", contact->participants + 1);
          /* TRANSLATORS: after the visitor's name: "Bethan Hughes, with Daniel Smith (son)" */
          g_autofree char *line = g_markup_printf_escaped (_(", with %s"), others);

          g_string_append (markup, line);
        }
      cap_lines (add_item (self, BODY_SIZE, FALSE, markup->str, 2)->layout, 2);
    }

  if (coordinator == NULL || !non_empty (coordinator->name))
    {
      cap_lines (add_text (self, BODY_SIZE, FALSE, _("No co-ordinator named yet — ask your GP practice."),
                           GAP_ITEM)->layout, 2);
      return;
    }
  {
    g_autoptr(GString) markup = g_string_new (NULL);
    /* TRANSLATORS: the one person to call, by name */
    g_autofree char *line = g_markup_printf_escaped (_("Your care co-ordinator is <b>%s</b>."), coordinator->name);

    g_string_append (markup, line);
    if (non_empty (coordinator->phone))
      {
        g_autofree char *call = g_markup_printf_escaped (_("Call <span size=\"%d\" weight=\"bold\">%s</span>"),
                                                         (int) (PHONE_SIZE * PANGO_SCALE), coordinator->phone);

        g_string_append_c (markup, '\n');
        g_string_append (markup, call);
        if (non_empty (coordinator->hours))
          {
            g_autofree char *hours = g_markup_printf_escaped (" (%s)", coordinator->hours);

            g_string_append (markup, hours);
          }
      }
    cap_lines (add_item (self, BODY_SIZE, FALSE, markup->str, GAP_ITEM)->layout, 2);
  }
}

static void
add_notes (KithVisitSummary       *self,
           const KithContactEntry *contact)
{
  const char *notes = contact ? non_empty (contact->notes) : NULL;

  if (notes == NULL)
    return;
  add_heading (self, _("What we talked about"));
  add_pool_text (self, POOL_NOTES, notes);
}

static void
add_next (KithVisitSummary *self,
          KithCarePlan     *plan)
{
  g_autoptr(GPtrArray) actions = plan ? kith_care_plan_list_actions (plan) : NULL;
  g_autoptr(GPtrArray) open = g_ptr_array_new ();
  Item *more;

  add_heading (self, _("What happens next"));
  for (guint i = 0; actions && i < actions->len; i++)
    {
      KithAction *action = actions->pdata[i];

      if (action->status == KITH_ACTION_NOT_STARTED || action->status == KITH_ACTION_IN_PROGRESS)
        g_ptr_array_add (open, action);
    }
  if (open->len == 0)
    {
      add_text (self, BODY_SIZE, FALSE,
                plan ? _("Nothing more is planned for now. Your care team will be in touch.")
                     : _("Your care team will be in touch to plan your care with you."),
                2);
      return;
    }
  g_ptr_array_sort (open, compare_by_due);

  self->pool = POOL_ACTIONS;
  for (guint i = 0; i < open->len; i++)
    {
      KithAction *action = open->pdata[i];
      g_autofree char *owner = owner_in_words (action);
      g_autofree char *due = kith_plan_document_format_date (action->due);
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autofree char *text = g_markup_printf_escaped ("<b>%s</b>\n", non_empty (action->text) ? action->text : "");
      /* TRANSLATORS: who will do an action */
      g_autofree char *who = g_markup_printf_escaped (_("Who: %s"), owner);
      Item *item;

      g_string_append (markup, text);
      g_string_append (markup, who);
      if (due)
        {
          /* TRANSLATORS: when an action is due: "By 3 March 2027" */
          g_autofree char *by = g_markup_printf_escaped (_("By %s"), due);

          g_string_append (markup, SEPARATOR);
          g_string_append (markup, by);
        }
      item = add_item (self, BODY_SIZE, FALSE, markup->str, i == 0 ? 2 : GAP_ITEM);
      cap_lines (item->layout, ACTION_LINES);
      hang_bullet (self, item);
    }
  more = add_text (self, BODY_SIZE, TRUE, "…", GAP_ITEM);
  more->more = TRUE;
  more->hidden = TRUE;
  self->pool = POOL_FIXED;
}

static void
add_crisis (KithVisitSummary *self,
            KithCarePlan     *plan)
{
  g_autoptr(GPtrArray) contacts = plan ? kith_care_plan_list_crisis_contacts (plan) : NULL;
  const KithTeamMember *coordinator = plan ? kith_care_plan_get_coordinator (plan) : NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) briefs = g_ptr_array_new_with_free_func (g_free);
  gboolean coordinator_listed = FALSE;
  Item *item;

  self->in_box = TRUE;
  /* The box's own padding is the space above it. */
  add_heading (self, _("If things get worse"))->space_before = 0;

  if (plan == NULL)
    add_text (self, BODY_SIZE, FALSE,
              _("There is no care plan yet. If you are worried, call your GP practice."), GAP_ITEM);
  else
    {
      add_subheading (self, _("Signs to look out for"));
      add_pool_text (self, POOL_SIGNS,
                     non_empty (kith_care_plan_get_warning_signs (plan))
                       ? kith_care_plan_get_warning_signs (plan)
                       : _("Nothing written here yet. Talk with your care team about what to look out for."));
      add_subheading (self, _("What to do"));
      add_pool_text (self, POOL_TO_DO,
                     non_empty (kith_care_plan_get_crisis_actions (plan))
                       ? kith_care_plan_get_crisis_actions (plan)
                       : _("Nothing written here yet. Until it is, call one of the numbers below."));
    }

  /* Who to call: never cut, but only the first few. Each has a one-line
   * form, the number first, for when the page is tight. */
  for (guint i = 0; contacts && i < contacts->len; i++)
    {
      KithContact *contact = contacts->pdata[i];
      g_autoptr(GString) markup = g_string_new (NULL);
      g_autoptr(GString) brief = g_string_new (NULL);

      if (!non_empty (contact->name) && !non_empty (contact->phone))
        continue;
      if (coordinator && non_empty (contact->phone) && g_strcmp0 (contact->phone, coordinator->phone) == 0)
        coordinator_listed = TRUE;
      if (non_empty (contact->phone))
        {
          g_autofree char *phone = g_markup_printf_escaped ("<span size=\"%d\" weight=\"bold\">%s</span>",
                                                            (int) (PHONE_SIZE * PANGO_SCALE), contact->phone);

          g_string_append (brief, phone);
        }
      if (non_empty (contact->name))
        {
          g_autofree char *name = g_markup_printf_escaped ("<b>%s</b>", contact->name);
          g_autofree char *plain = g_markup_printf_escaped ("%s%s", brief->len ? " — " : "", contact->name);

          g_string_append (markup, name);
          g_string_append (brief, plain);
        }
      if (non_empty (contact->when))
        {
          g_autofree char *when = g_markup_printf_escaped (" (%s)", contact->when);

          g_string_append (markup, when);
          g_string_append (brief, when);
        }
      if (non_empty (contact->phone))
        {
          g_autofree char *phone = g_markup_printf_escaped ("<span size=\"%d\" weight=\"bold\">%s</span>",
                                                            (int) (PHONE_SIZE * PANGO_SCALE), contact->phone);

          g_string_append (markup, markup->len ? ": " : "");
          g_string_append (markup, phone);
        }
      g_ptr_array_add (lines, g_string_free (g_steal_pointer (&markup), FALSE));
      g_ptr_array_add (briefs, g_string_free (g_steal_pointer (&brief), FALSE));
    }
  if (coordinator && non_empty (coordinator->name) && non_empty (coordinator->phone) && !coordinator_listed)
    {
      /* TRANSLATORS: in "Who to call": "Bethan Hughes, your care co-ordinator: 01632 960555" */
      g_ptr_array_add (lines, g_markup_printf_escaped (_("<b>%s</b>, your care co-ordinator: "
                                                          "<span size=\"%d\" weight=\"bold\">%s</span>"),
                                                        coordinator->name, (int) (PHONE_SIZE * PANGO_SCALE),
                                                        coordinator->phone));
      /* TRANSLATORS: the same on one line, the number first:
       * "01632 960555 — Bethan Hughes, your care co-ordinator" */
      g_ptr_array_add (briefs, g_markup_printf_escaped (_("<span size=\"%d\" weight=\"bold\">%s</span> — "
                                                           "%s, your care co-ordinator"),
                                                         (int) (PHONE_SIZE * PANGO_SCALE), coordinator->phone,
                                                         coordinator->name));
    }
  if (lines->len > 0)
    {
      Item *more;

      add_subheading (self, _("Who to call"));
      for (guint i = 0; i < lines->len && i < MAX_CONTACTS; i++)
        {
          item = add_item (self, BODY_SIZE, FALSE, lines->pdata[i], 2);
          cap_lines (item->layout, 2);
          item->short_markup = g_strdup (briefs->pdata[i]);
          item->contact = TRUE;
        }
      self->n_contacts = lines->len;
      more = add_text (self, BODY_SIZE, FALSE, "…", 2);
      more->contacts_more = TRUE;
      more->hidden = TRUE;
    }
  item = add_text (self, BODY_SIZE, TRUE,
                   _("In an emergency, call 999. For urgent help that is not an emergency, call 111."),
                   GAP_ITEM);
  cap_lines (item->layout, 2);
  item->keep = TRUE;
  self->in_box = FALSE;
}

/* Fitting it on the page */

static void
fit_actions (KithVisitSummary *self,
             double            room)
{
  Item *more = NULL;
  double used;
  guint total = 0, shown = 0;
  gboolean full = TRUE;

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->pool == POOL_ACTIONS && item->more)
        more = item;
      else if (item->pool == POOL_ACTIONS)
        total++;
    }
  if (more == NULL)
    return;

  /* Everything, if it fits without the "more" line */
  used = 0;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->pool == POOL_ACTIONS && !item->more)
        used += item_extent (item);
    }
  if (used <= room)
    return;

  {
    g_autofree char *line = NULL;

    /* The count is known only once the others are placed: measure with the
     * widest it can be. */
    line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "…and %u more thing to do",
                                         "…and %u more things to do", total),
                            total);
    pango_layout_set_text (more->layout, line, -1);
  }
  used = item_extent (more);
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->pool != POOL_ACTIONS || item->more)
        continue;
      if (full && used + item_extent (item) <= room)
        {
          used += item_extent (item);
          shown++;
        }
      else
        {
          full = FALSE;
          item->hidden = TRUE;
        }
    }
  {
    g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "…and %u more thing to do",
                                                          "…and %u more things to do", total - shown),
                                             total - shown);

    pango_layout_set_text (more->layout, line, -1);
  }
  more->hidden = FALSE;
  if (shown == 0)
    more->space_before = 2;
  self->truncated = TRUE;
}

/* What the fixed parts take; what each pool needs, and the least it can
 * be cut to. */
static double
measure (KithVisitSummary *self,
         double            need[N_POOLS],
         double            least[N_POOLS])
{
  double fixed = 0, first_action = 0;
  gboolean any_box = FALSE;

  for (Pool p = 0; p < N_POOLS; p++)
    need[p] = least[p] = 0;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      any_box |= item->in_box;
      /* The "…and 3 more numbers" line is kept room for. */
      if (item->contacts_more)
        fixed += item_extent (item);
      else if (item->hidden && !item->more)
        continue;
      else if (item->pool == POOL_FIXED)
        fixed += item_extent (item);
      else if (item->more)
        least[item->pool] += item_extent (item);
      else
        {
          if (item->pool == POOL_ACTIONS && first_action == 0)
            first_action = item_extent (item);
          need[item->pool] += item_extent (item);
        }
    }
  for (Pool p = 0; p < N_POOLS; p++)
    {
      /* At least the first thing to do: a list cut to nothing says little. */
      if (p == POOL_ACTIONS)
        least[p] = MIN (least[p] + first_action, need[p]);
      else if (need[p] > 0)
        {
          /* One line of text */
          Item *item = NULL;

          for (guint i = 0; i < self->items->len && item == NULL; i++)
            if (((Item *) self->items->pdata[i])->pool == p)
              item = self->items->pdata[i];
          pango_layout_set_text (item->layout, "…", -1);
          least[p] = MIN (need[p], item_extent (item));
          pango_layout_set_text (item->layout, item->text, -1);
        }
    }
  if (any_box)
    fixed += 2 * (BOX_PAD + BOX_LINE) + GAP_SECTION;
  return fixed;
}

static double
over_by (KithVisitSummary *self,
         double            available,
         double            need[N_POOLS],
         double            least[N_POOLS])
{
  double used = measure (self, need, least);

  for (Pool p = 0; p < N_POOLS; p++)
    used += least[p];
  return used - available;
}

/* Only when very long names leave no room: every fixed part on one line
 * (a number to call first), the first action shorter. */
static void
shrink_fixed (KithVisitSummary *self)
{
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->keep || item->more)
        continue;
      if (item->pool == POOL_FIXED)
        {
          if (item->short_markup != NULL)
            pango_layout_set_markup (item->layout, item->short_markup, -1);
          cap_lines (item->layout, 1);
        }
      else if (item->pool == POOL_ACTIONS)
        cap_lines (item->layout, 1);
    }
  self->truncated = TRUE;
}

static gboolean
hide_last_contact (KithVisitSummary *self)
{
  for (guint i = self->items->len; i > 0; i--)
    {
      Item *item = self->items->pdata[i - 1];

      if (item->contact && !item->hidden)
        {
          item->hidden = TRUE;
          return TRUE;
        }
    }
  return FALSE;
}

static void
show_contacts_left_out (KithVisitSummary *self)
{
  guint shown = 0;
  Item *more = NULL;

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->contact && !item->hidden)
        shown++;
      if (item->contacts_more)
        more = item;
    }
  if (more == NULL || shown >= self->n_contacts)
    return;
  {
    guint left_out = self->n_contacts - shown;
    g_autofree char *line = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                          "…and %u more number in your care plan",
                                                          "…and %u more numbers in your care plan",
                                                          left_out),
                                             left_out);

    pango_layout_set_text (more->layout, line, -1);
    more->hidden = FALSE;
    self->truncated = TRUE;
  }
}

static void
paginate (KithVisitSummary *self)
{
  double need[N_POOLS], least[N_POOLS], give[N_POOLS];
  gboolean open_pool[N_POOLS];
  double available, room, y;
  gboolean box_open = FALSE;

  self->rest_y = self->footer_y - GAP_ITEM - layout_height (self->rest_note);
  available = self->rest_y - MARGIN_TOP;
  if (over_by (self, available, need, least) > 0)
    shrink_fixed (self);
  while (over_by (self, available, need, least) > 0 && hide_last_contact (self))
    ;
  show_contacts_left_out (self);

  room = -over_by (self, available, need, least);
  for (Pool p = 0; p < N_POOLS; p++)
    {
      give[p] = least[p];
      open_pool[p] = need[p] > least[p];
    }
  room = MAX (room, 0);

  /* Share what is left: each part gets what it needs when that is less
   * than its share, and the others share the rest. */
  for (;;)
    {
      double weights = 0;
      gboolean settled = FALSE;

      for (Pool p = 0; p < N_POOLS; p++)
        if (open_pool[p])
          weights += pool_weight[p];
      if (weights == 0)
        break;
      for (Pool p = 0; p < N_POOLS; p++)
        if (open_pool[p] && need[p] - give[p] <= room * pool_weight[p] / weights)
          {
            room -= need[p] - give[p];
            give[p] = need[p];
            open_pool[p] = FALSE;
            settled = TRUE;
          }
      if (settled)
        continue;
      for (Pool p = 0; p < N_POOLS; p++)
        if (open_pool[p])
          give[p] += room * pool_weight[p] / weights;
      break;
    }

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->text != NULL && item->pool != POOL_FIXED &&
          fit_text (item, give[item->pool] - item->space_before))
        self->truncated = TRUE;
    }
  fit_actions (self, give[POOL_ACTIONS]);

  /* Top to bottom */
  y = MARGIN_TOP;
  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->hidden)
        continue;
      if (item->in_box && !box_open)
        {
          y += GAP_SECTION;
          self->box_y0 = y;
          y += BOX_PAD + BOX_LINE;
          box_open = TRUE;
        }
      else if (!item->in_box && box_open)
        {
          y += BOX_PAD + BOX_LINE;
          self->box_y1 = y;
          box_open = FALSE;
        }
      y += item->space_before;
      item->y = y;
      y += layout_height (item->layout);
    }
  if (box_open)
    {
      y += BOX_PAD + BOX_LINE;
      self->box_y1 = y;
    }
  /* The sums above keep to the page. Were that ever wrong, the drawing is
   * clipped to the one page, and this says so. */
  if (y > self->rest_y + 0.5)
    g_warning ("The visit summary ran %.1f pt over its page", y - self->rest_y);
}

/* Overrides */

static void
kith_visit_summary_finalize (GObject *object)
{
  KithVisitSummary *self = KITH_VISIT_SUMMARY (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_object (&self->rest_note);
  g_clear_object (&self->footer);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kith_visit_summary_parent_class)->finalize (object);
}

static void
kith_visit_summary_class_init (KithVisitSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kith_visit_summary_finalize;
}

static void
kith_visit_summary_init (KithVisitSummary *self)
{
  self->items = g_ptr_array_new_with_free_func (item_free);
  self->pool = POOL_FIXED;
}

/* Public API */

KithVisitSummary *
kith_visit_summary_new (KithPatient            *patient,
                        KithCarePlan           *plan,
                        const KithContactEntry *contact,
                        const char             *printed_on,
                        double                  page_width,
                        double                  page_height)
{
  KithVisitSummary *self;
  cairo_font_options_t *font_options;
  g_autofree char *printed = NULL;
  g_autofree char *footer = NULL;

  g_return_val_if_fail (patient == NULL || KITH_IS_PATIENT (patient), NULL);
  g_return_val_if_fail (plan == NULL || KITH_IS_CARE_PLAN (plan), NULL);
  g_return_val_if_fail (page_width > 200 && page_height > 400, NULL);

  self = g_object_new (KITH_TYPE_VISIT_SUMMARY, NULL);
  self->page_width = page_width;
  self->page_height = page_height;
  self->content_width = page_width - 2 * MARGIN;

  self->context = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  pango_cairo_context_set_resolution (self->context, 72);
  pango_context_set_round_glyph_positions (self->context, FALSE);
  font_options = cairo_font_options_create ();
  cairo_font_options_set_hint_metrics (font_options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (font_options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (self->context, font_options);
  cairo_font_options_destroy (font_options);

  if (printed_on == NULL || (printed = kith_plan_document_format_date (printed_on)) == NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");

      printed = kith_plan_document_format_date (today);
    }
  /* TRANSLATORS: at the foot of the visit summary */
  footer = g_strdup_printf (_("Printed on %s"), printed);
  self->footer = make_layout (self, FOOTER_SIZE, FALSE, self->content_width);
  pango_layout_set_text (self->footer, footer, -1);
  cap_lines (self->footer, 1);
  self->footer_y = page_height - MARGIN_BOTTOM - layout_height (self->footer);
  self->rest_note = make_layout (self, BODY_SIZE, TRUE, self->content_width);
  pango_layout_set_text (self->rest_note,
                         _("This page is a summary: your care and support plan has the rest."), -1);

  add_header (self, patient, contact, printed_on);
  add_visitors (self, plan, contact);
  add_notes (self, contact);
  add_next (self, plan);
  add_crisis (self, plan);
  paginate (self);
  return self;
}

gboolean
kith_visit_summary_get_truncated (KithVisitSummary *self)
{
  g_return_val_if_fail (KITH_IS_VISIT_SUMMARY (self), FALSE);

  return self->truncated;
}

void
kith_visit_summary_draw (KithVisitSummary *self,
                         cairo_t          *cr)
{
  gboolean any_box = FALSE;

  g_return_if_fail (KITH_IS_VISIT_SUMMARY (self));
  g_return_if_fail (cr != NULL);

  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, self->page_width, self->page_height);
  cairo_clip (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);

  for (guint i = 0; i < self->items->len; i++)
    {
      Item *item = self->items->pdata[i];

      if (item->hidden)
        continue;
      any_box |= item->in_box;
      cairo_move_to (cr, item->x, item->y);
      pango_cairo_show_layout (cr, item->layout);
      if (item->bullet)
        {
          cairo_move_to (cr, item->x - HANG, item->y);
          pango_cairo_show_layout (cr, item->bullet);
        }
      if (item->rule)
        {
          double y = item->y + layout_height (item->layout) + 1.5;

          cairo_set_line_width (cr, 1.2);
          cairo_move_to (cr, MARGIN, y);
          cairo_line_to (cr, MARGIN + self->content_width, y);
          cairo_stroke (cr);
        }
    }
  if (any_box)
    {
      cairo_set_line_width (cr, BOX_LINE);
      cairo_rectangle (cr, MARGIN + BOX_LINE / 2, self->box_y0 + BOX_LINE / 2,
                       self->content_width - BOX_LINE, self->box_y1 - self->box_y0 - BOX_LINE);
      cairo_stroke (cr);
    }
  if (self->truncated)
    {
      cairo_move_to (cr, MARGIN, self->rest_y);
      pango_cairo_show_layout (cr, self->rest_note);
    }
  cairo_move_to (cr, MARGIN, self->footer_y);
  pango_cairo_show_layout (cr, self->footer);
  cairo_restore (cr);
}

static void
draw_summary_cb (gpointer  document,
                 cairo_t  *cr,
                 guint     page)
{
  kith_visit_summary_draw (document, cr);
}

gboolean
kith_visit_summary_export_pdf (KithPatient            *patient,
                               KithCarePlan           *plan,
                               const KithContactEntry *contact,
                               const char             *path,
                               GError                **error)
{
  g_autoptr(KithVisitSummary) summary = NULL;

  g_return_val_if_fail (patient == NULL || KITH_IS_PATIENT (patient), FALSE);
  g_return_val_if_fail (plan == NULL || KITH_IS_CARE_PLAN (plan), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Always one page: what does not fit says the plan has the rest. */
  summary = kith_visit_summary_new (patient, plan, contact, NULL, KITH_PLAN_DOCUMENT_A4_WIDTH,
                                    KITH_PLAN_DOCUMENT_A4_HEIGHT);
  return kith_pdf_write (path, KITH_PLAN_DOCUMENT_A4_WIDTH, KITH_PLAN_DOCUMENT_A4_HEIGHT, _("After your visit"),
                         1, draw_summary_cb, summary, error);
}

gboolean
kith_visit_summary_export_contact (KithStore   *store,
                                   const char  *encounter_id,
                                   const char  *path,
                                   GError     **error)
{
  g_autoptr(KithContactEntry) contact = NULL;
  g_autoptr(KithPatient) patient = NULL;
  g_autoptr(KithCarePlan) plan = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KITH_IS_STORE (store), FALSE);

  if (!(contact = kith_contact_load (store, encounter_id, error)) ||
      !(patient = kith_store_load_patient (store, contact->patient_id, error)))
    return FALSE;
  plan = kith_care_plan_load_current (store, contact->patient_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!kith_visit_summary_export_pdf (patient, plan, contact, path, error))
    return FALSE;
  /* The person's audit on the server says a summary was printed. */
  return kith_sync_queue_access_report (store, contact->patient_id, "print", error);
}
