/* kith-option-group.c
 *
 * Copyright 2026 The Kith developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The answers to one question as a row of toggle buttons, all on screen
 * at once so the person can read them too. Made for the keyboard, like a
 * radio group:
 *  - Tab enters at the chosen option (or the first) and leaves the group,
 *    so Tab moves from question to question, not from button to button;
 *  - the arrow keys, Home and End move between the options;
 *  - Enter or Space picks (GtkButton's own bindings), and ::picked says so.
 * Options flow onto more lines when they do not fit, so long wording and
 * large text never get cut off.
 */

#define G_LOG_DOMAIN "kith-option-group"

#include "config.h"

#include "kith-option-group.h"

#define COLUMN_SPACING 6
#define ROW_SPACING    6

struct _KithOptionGroup
{
  GtkWidget  parent_instance;

  GPtrArray *options;   /* GtkToggleButton, our children */
  int        active;
};

G_DEFINE_FINAL_TYPE (KithOptionGroup, kith_option_group, GTK_TYPE_WIDGET)

enum {
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Places the options in lines @width wide. With @allocate, also gives
 * each its place. Returns the height used. */
static int
layout_options (KithOptionGroup *self,
                int              width,
                gboolean         allocate)
{
  int x = 0, y = 0, line_height = 0;
  guint line_start = 0;
  g_autofree int *widths = g_new0 (int, MAX (self->options->len, 1));
  g_autofree int *xs = g_new0 (int, MAX (self->options->len, 1));

  for (guint i = 0; i <= self->options->len; i++)
    {
      GtkWidget *option = i < self->options->len ? self->options->pdata[i] : NULL;
      int min_width = 0, nat_width = 0, child_width = 0;

      if (option != NULL)
        {
          gtk_widget_measure (option, GTK_ORIENTATION_HORIZONTAL, -1,
                              &min_width, &nat_width, NULL, NULL);
          child_width = width < 0 ? nat_width : MIN (nat_width, MAX (width, min_width));
        }

      /* Close the line: at the end, or when this option does not fit. */
      if (option == NULL || (x > 0 && width >= 0 && x + child_width > width))
        {
          for (guint j = line_start; j < i; j++)
            {
              int min_height, nat_height;

              gtk_widget_measure (self->options->pdata[j], GTK_ORIENTATION_VERTICAL, widths[j],
                                  &min_height, &nat_height, NULL, NULL);
              line_height = MAX (line_height, nat_height);
            }
          if (allocate)
            for (guint j = line_start; j < i; j++)
              gtk_widget_size_allocate (self->options->pdata[j],
                                        &(GtkAllocation) { xs[j], y, widths[j], line_height }, -1);

          if (option == NULL)
            return y + line_height;

          y += line_height + ROW_SPACING;
          line_height = 0;
          x = 0;
          line_start = i;
        }

      widths[i] = child_width;
      xs[i] = x;
      x += child_width + COLUMN_SPACING;
    }

  g_assert_not_reached ();
}

static int
find_option (KithOptionGroup *self,
             GtkWidget       *widget)
{
  for (guint i = 0; widget != NULL && i < self->options->len; i++)
    if (widget == self->options->pdata[i] || gtk_widget_is_ancestor (widget, self->options->pdata[i]))
      return (int) i;

  return -1;
}

static gboolean
focus_option (KithOptionGroup *self,
              int              index)
{
  if (index < 0 || index >= (int) self->options->len)
    return FALSE;

  return gtk_widget_grab_focus (self->options->pdata[index]);
}

static void
on_option_clicked_cb (GtkButton       *button,
                      KithOptionGroup *self)
{
  int index = find_option (self, GTK_WIDGET (button));

  /* The button toggled itself; what it shows is settled by whoever saves
   * the answer, through kith_option_group_set_active(). */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), index == self->active);

  if (index >= 0)
    g_signal_emit (self, signals[PICKED], 0, (guint) index);
}

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   KithOptionGroup       *self)
{
  int current = find_option (self, gtk_widget_get_focus_child (GTK_WIDGET (self)));

  if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0 || current < 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      focus_option (self, current - 1);
      /* At the first option the key stops here: arrows never wander off
       * into another question by surprise. */
      return GDK_EVENT_STOP;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      focus_option (self, current + 1);
      return GDK_EVENT_STOP;

    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      focus_option (self, 0);
      return GDK_EVENT_STOP;

    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      focus_option (self, (int) self->options->len - 1);
      return GDK_EVENT_STOP;

    default:
      return GDK_EVENT_PROPAGATE;
    }
}

static gboolean
kith_option_group_focus (GtkWidget        *widget,
                         GtkDirectionType  direction)
{
  KithOptionGroup *self = KITH_OPTION_GROUP (widget);
  int current = find_option (self, gtk_widget_get_focus_child (widget));

  if (current >= 0)
    {
      switch (direction)
        {
        case GTK_DIR_LEFT:
        case GTK_DIR_UP:
          return focus_option (self, current - 1);

        case GTK_DIR_RIGHT:
        case GTK_DIR_DOWN:
          return focus_option (self, current + 1);

        case GTK_DIR_TAB_FORWARD:
        case GTK_DIR_TAB_BACKWARD:
        default:
          /* Tab leaves the question. */
          return FALSE;
        }
    }

  /* Coming in, from either side: the chosen option, or the first. */
  return focus_option (self, self->active >= 0 ? self->active : 0);
}

static GtkSizeRequestMode
kith_option_group_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
kith_option_group_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  KithOptionGroup *self = KITH_OPTION_GROUP (widget);

  *minimum = *natural = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* At least the widest option alone on its line; at best all of them
       * on one line. */
      for (guint i = 0; i < self->options->len; i++)
        {
          int min_width, nat_width;

          gtk_widget_measure (self->options->pdata[i], GTK_ORIENTATION_HORIZONTAL, -1,
                              &min_width, &nat_width, NULL, NULL);
          *minimum = MAX (*minimum, min_width);
          *natural += nat_width + (i > 0 ? COLUMN_SPACING : 0);
        }
    }
  else if (self->options->len > 0)
    {
      *minimum = *natural = layout_options (self, for_size, FALSE);
    }
}

static void
kith_option_group_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  KithOptionGroup *self = KITH_OPTION_GROUP (widget);

  if (self->options->len > 0)
    layout_options (self, width, TRUE);
}

static void
kith_option_group_dispose (GObject *object)
{
  KithOptionGroup *self = KITH_OPTION_GROUP (object);
  GtkWidget *child;

  g_ptr_array_set_size (self->options, 0);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (kith_option_group_parent_class)->dispose (object);
}

static void
kith_option_group_finalize (GObject *object)
{
  KithOptionGroup *self = KITH_OPTION_GROUP (object);

  g_clear_pointer (&self->options, g_ptr_array_unref);

  G_OBJECT_CLASS (kith_option_group_parent_class)->finalize (object);
}

static void
kith_option_group_class_init (KithOptionGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kith_option_group_dispose;
  object_class->finalize = kith_option_group_finalize;

  widget_class->focus = kith_option_group_focus;
  widget_class->get_request_mode = kith_option_group_get_request_mode;
  widget_class->measure = kith_option_group_measure;
  widget_class->size_allocate = kith_option_group_size_allocate;

  /**
   * KithOptionGroup::picked:
   * @index: the option picked, by click, Enter or Space
   */
  signals[PICKED] = g_signal_new ("picked",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "optiongroup");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
kith_option_group_init (KithOptionGroup *self)
{
  GtkEventController *controller = gtk_event_controller_key_new ();

  self->options = g_ptr_array_new ();
  self->active = -1;

  g_signal_connect (controller, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

GtkWidget *
kith_option_group_new (void)
{
  return g_object_new (KITH_TYPE_OPTION_GROUP, NULL);
}

guint
kith_option_group_append (KithOptionGroup *self,
                          const char      *label)
{
  GtkWidget *button;
  GtkWidget *text;

  g_return_val_if_fail (KITH_IS_OPTION_GROUP (self), 0);
  g_return_val_if_fail (label != NULL, 0);

  /* A label that wraps: a long option never widens the page. */
  text = g_object_new (GTK_TYPE_LABEL,
                       "label", label,
                       "wrap", TRUE,
                       "wrap-mode", PANGO_WRAP_WORD_CHAR,
                       "justify", GTK_JUSTIFY_CENTER,
                       "max-width-chars", 30,
                       NULL);
  button = g_object_new (GTK_TYPE_TOGGLE_BUTTON, "child", text, NULL);
  gtk_widget_add_css_class (button, "option");
  g_signal_connect (button, "clicked", G_CALLBACK (on_option_clicked_cb), self);

  gtk_widget_set_parent (button, GTK_WIDGET (self));
  g_ptr_array_add (self->options, button);

  return self->options->len - 1;
}

guint
kith_option_group_get_n_options (KithOptionGroup *self)
{
  g_return_val_if_fail (KITH_IS_OPTION_GROUP (self), 0);

  return self->options->len;
}

GtkWidget *
kith_option_group_get_option (KithOptionGroup *self,
                              guint            index)
{
  g_return_val_if_fail (KITH_IS_OPTION_GROUP (self), NULL);
  g_return_val_if_fail (index < self->options->len, NULL);

  return self->options->pdata[index];
}

int
kith_option_group_get_active (KithOptionGroup *self)
{
  g_return_val_if_fail (KITH_IS_OPTION_GROUP (self), -1);

  return self->active;
}

void
kith_option_group_set_active (KithOptionGroup *self,
                              int              index)
{
  g_return_if_fail (KITH_IS_OPTION_GROUP (self));

  self->active = index >= 0 && index < (int) self->options->len ? index : -1;

  for (guint i = 0; i < self->options->len; i++)
    gtk_toggle_button_set_active (self->options->pdata[i], (int) i == self->active);
}
