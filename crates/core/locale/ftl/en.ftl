# The trainer's words in English: complete, and the fallback for every other language.
# Ids are kebab case with the screen as prefix. Numbers arrive already formatted as text
# (Texts::number), except counts that choose a plural form. How to add a message or a language:
# docs/interface.md, "Text and translations".

## Welcome

welcome-title = Welcome to Neuraxis
welcome-subtitle = Spinal needle access on a digital twin of the lumbar spine
welcome-handle-label = Trainee handle
welcome-handle-why = Use a handle, not your name: your attempts are stored under it, so your programme can follow your progress without keeping personal data.
welcome-handle-placeholder = e.g. resident-07
welcome-handle-invalid = This handle cannot be used: { $reason }
welcome-handle-empty = type a handle first
welcome-handle-too-long = at most { $max } characters
welcome-handle-characters = use letters, digits, “-”, “_”, “.” or “@” only: no spaces, never a real name
welcome-handle-bad-character = “{ $character }” cannot be used
welcome-continue = Continue
welcome-tutorial-offer = New to the trainer? A short tutorial teaches the controls on the practice block, one step at a time.
welcome-start-tutorial = Start the tutorial
welcome-skip-tutorial = Skip to the lessons
welcome-language = Language

## Tutorial

tutorial-title = Tutorial: the controls
tutorial-progress = Step { $done } of { $total }
tutorial-step-orbit = Turn the view: drag with the left mouse button.
tutorial-step-aim = Aim the needle: hold Ctrl and drag, or use the arrow keys.
tutorial-step-advance = Advance the needle: hold W to go in, S to come back.
tutorial-step-stylet = Take the stylet out: press T (the loss-of-resistance syringe goes on).
tutorial-step-syringe = Press the plunger: hold Space and feel the syringe resist.
tutorial-step-done = Done
tutorial-complete = You know the controls. Choose a lesson to begin.
tutorial-skip = Skip the tutorial

## Lesson browser

browser-title = Lessons
browser-subtitle = Choose a lesson, or practise freely
browser-free-practice = Free practice
browser-free-practice-detail = Any needle on the current twin, no steps and no score.
browser-objectives = Objectives
browser-needle = Needle: { $needle }
browser-position = Position: { $position }
browser-procedure = Procedure: { $procedure }
browser-interspace = Interspace: { $interspace }
browser-approach = Approach: { $approach }
browser-twin = Patient: { $twin }
browser-expected-time = About { $minutes } min
browser-attempts =
    { $count ->
        [0] No attempts yet
        [one] { $count } attempt
       *[other] { $count } attempts
    }
browser-best = Best { $percent } %
browser-last = Last { $percent } % on { $date }
browser-never-tried = Not tried yet
browser-unavailable = Unavailable: { $reason }
browser-twin-not-built = its twin is not built
browser-build-command = Build it with: { $command }
browser-start = Start
browser-keys-hint = ← ↑ → ↓ choose · Enter start · or click a card
browser-assigned = Assigned to you
browser-due = Due { $date }
browser-overdue = Overdue since { $date }

## Help

help-title = Keys and gestures
help-close = Press ? or H again to close
help-group-view = View
help-group-needle = Needle
help-group-syringe = Stylet and syringe
help-group-lessons = Lessons
help-group-recording = Recording a lesson
help-group-headset = In the headset
help-group-replay = Replay

help-orbit-keys = left-drag
help-orbit = turn the view around the patient’s back
help-pan-keys = right-drag or middle-drag
help-pan = slide the view
help-zoom-keys = wheel
help-zoom = move closer or farther
help-reset-view-keys = R
help-reset-view = back to the operator’s view
help-toggle-skin-keys = K
help-toggle-skin = show or hide the skin
help-advance-keys = W / S (Shift: faster)
help-advance = advance / withdraw the needle
help-tilt-keys = arrow keys
help-tilt = tilt the needle towards the head or feet, left or right
help-move-entry-keys = A / D, Q / E
help-move-entry = move the entry point sideways, up or down the back
help-place-entry-keys = Ctrl + click on the back
help-place-entry = put the entry point there (with the needle out of the skin)
help-aim-drag-keys = Ctrl + drag
help-aim-drag = aim: drag up tilts the tip towards the head, right towards the patient’s right
help-fine-advance-keys = Ctrl + wheel
help-fine-advance = advance / withdraw 1 mm per notch
help-stylet-keys = T
help-stylet = take the stylet out (the loss-of-resistance syringe goes on) or put it back
help-plunger-keys = Space (hold)
help-plunger = press the syringe’s plunger
help-fluid-keys = F
help-fluid = saline or air in the syringe
help-next-needle-keys = N
help-next-needle = next needle: Tuohy 18G, Quincke 22G and 25G, Whitacre 25G
help-bevel-keys = B
help-bevel = turn the bevel a quarter (cephalad, right, caudal, left)
help-new-attempt-keys = Backspace
help-new-attempt = new attempt
help-lessons-keys = M
help-lessons = the lessons
help-confirm-step-keys = Enter
help-confirm-step = confirm a lesson step that waits for you
help-help-keys = ?, H or F1
help-help = this help
help-settings-keys = F10
help-settings = settings
help-quit-keys = Esc
help-quit = quit (closes a screen first)
help-chip = ? or H: keys and gestures · F10: settings

help-record-lesson-keys = F9
help-record-lesson = start or stop recording a lesson (instructor)
help-annotate = while recording: draw, label, pin and mark chapters on the twin
help-annotate-draw-keys = A + drag
help-annotate-draw = draw on the twin
help-annotate-label-keys = L
help-annotate-label = type the label of the next pin
help-annotate-pin-keys = P + click
help-annotate-pin = put a pin on the twin
help-annotate-chapter-keys = C
help-annotate-chapter = start a chapter

help-headset-take-keys = pinch at the hub
help-headset-take = take the needle (thumb and index at the hub or the wings)
help-headset-move-keys = move the hand
help-headset-move = the needle follows the wrist; the tissue resists
help-headset-release-keys = open the pinch
help-headset-release = let go; the needle stays where it is
help-headset-stylet-keys = other hand pinches the hub
help-headset-stylet = take the stylet out or put it back
help-headset-plunger-keys = other thumb curls
help-headset-plunger = press the syringe’s plunger
help-headset-place-patient-keys = both hands closed
help-headset-place-patient = move and turn the table with the patient
help-headset-lessons-keys = fingertip on Lessons
help-headset-lessons = open the lesson list and press a row
help-headset-draw-keys = pinch away from the needle
help-headset-draw = while recording: draw in the air
help-headset-controllers-keys = grip, trigger
help-headset-controllers = with controllers: the grip grabs, the other trigger presses the plunger

## Settings

settings-title = Settings
settings-trainee = Trainee handle
settings-sessions-folder = Sessions folder
settings-recording = Record attempts
settings-on = On
settings-off = Off
settings-audio-input = Microphone
settings-audio-output = Speakers
settings-default-device = System default
settings-headset-mode = Headset
settings-headset-auto = Automatic
settings-headset-on = Always
settings-headset-off = Never (desktop only)
settings-text-scale = Text size
settings-palette = Colours
settings-theme-dark = Dark
settings-theme-light = Light
settings-language = Language
settings-saved = Saved to { $path }
settings-close = Close
settings-keys-hint = ↑ ↓ choose · ← → change · Esc close

## Score

score-title = Attempt result
score-passed = Passed
score-not-passed = Not passed
score-end-target = Target reached
score-end-withdrawn = Needle withdrawn
score-summary = Score { $points } of { $max } ({ $percent } %, pass mark { $pass } %)
score-criteria = Criteria
score-failed-criterion = Not met: { $criterion }
score-item-target = Target
score-item-attempts = Skin punctures
score-item-redirections = Redirections
score-item-safety = Safety
score-item-time = Time
score-item-trajectory = Trajectory
score-points = { $points } / { $max }
score-replay = Replay this attempt
score-retry = Try again
score-next = Next lesson
score-plot-depth = Depth (mm)
score-plot-force = Force (N)
score-plot-time = Time (s)

## Readout and section

readout-needle = Needle
readout-tip = Tip
readout-depth = Depth
readout-force = Force
readout-depth-value = { $depth } mm
readout-force-value = { $force } N
readout-stylet-in = stylet in
readout-stylet-out = stylet out
readout-syringe-off = syringe off
readout-syringe-resisting = { $fluid } syringe: resisting
readout-syringe-gives = { $fluid } syringe: gives
readout-bevel = bevel { $direction }
bevel-cephalad = cephalad
bevel-right = to the right
bevel-caudal = caudal
bevel-left = to the left
fluid-saline = saline
fluid-air = air
readout-legend = Tissues
readout-events = Events
section-title = Sagittal section at the tip
section-orientation = the patient’s back to the right, the head up
section-scale = { $mm } mm
section-needle = needle
section-ligaments = ligaments

## Needle facts (the readout's recent events)

fact-skin-punctured = skin punctured
fact-layer-entered = { $tissue } at { $depth } mm
fact-membrane-gave = { $tissue } gave ({ $drop } N drop)
fact-membrane-pierced = { $tissue } pierced
fact-bone = BONE: { $level } at { $depth } mm
fact-loss-of-resistance = LOSS OF RESISTANCE at { $depth } mm ({ $tissue })
fact-dura-punctured = dura punctured at { $depth } mm
fact-csf = CSF at the hub
fact-wet-tap = CSF at the hub: WET TAP
fact-paresthesia = paresthesia at { $depth } mm
fact-withdrawn = needle withdrawn
fact-redirected = redirected { $angle }°

## Lesson panel and menu

lesson-panel-title = { $title }
lesson-panel-confirm-hint = Enter: confirm the step
lesson-panel-new-attempt-hint = Backspace: new attempt
lesson-step-done = done
lesson-step-current = now
lesson-step-pending = to do
lesson-step-number = Step { $number } of { $total }
menu-hint = M: lessons · ? help
menu-title = Lessons – press a number (M closes)

## Replay

replay-playing = PLAYING
replay-paused = PAUSED
replay-status = { $state }  { $time } s / { $end } s   speed { $speed }×   view: { $view }
replay-view-eyes = trainee’s eyes (V for orbit)
replay-view-orbit = orbit (V for trainee’s eyes)
replay-legend = Depth 0–{ $depth } mm (down) | force 0–{ $force } N (up) | bands: tissue at the tip
replay-events = Events
replay-no-events = (no events recorded)
replay-track = { $label } ({ $role }, lesson { $lesson }, twin { $twin })
replay-role-trainee = trainee
replay-role-instructor = instructor
replay-saved-view = saved the view to { $path }
replay-help-play = Space play/pause
replay-help-speed = −/+ speed
replay-help-step = ←/→ step (Shift: 10)
replay-help-scrub = click or drag the bar to scrub
replay-help-events = N/B next/previous event
replay-help-chapters = PgDn/PgUp chapters
replay-help-eyes = V trainee’s eyes
replay-help-save = E save picture
replay-help-view = drag orbit, wheel zoom, R reset
replay-help-quit = Esc quit
replay-event-lesson-step = Lesson step { $number }: { $step }
replay-event-chapter = Chapter: { $title }
replay-event-pin = Pin: { $label }
replay-event-stroke = Stroke ({ $points } points)
replay-event-skin-punctured = Skin punctured
replay-event-entered = Entered { $tissue }
replay-event-went-through = Went through { $tissue }
replay-event-bone = Bone contact ({ $level })
replay-event-loss-of-resistance = Loss of resistance at { $depth } mm
replay-event-dura-punctured = Dura punctured at { $depth } mm
replay-event-csf = CSF flashback
replay-event-paresthesia = Paresthesia
replay-event-withdrawn = Needle withdrawn
replay-event-redirected = Redirected by { $angle }°

## Headset panel and lesson list

xr-take-needle = Pinch the needle’s hub to take it
xr-tip = Tip: { $tissue }
xr-depth-force = Depth { $depth } mm   Force { $force } N
xr-free-practice-hint = Free practice: touch Lessons below to choose one
xr-lessons-button = Lessons
xr-lessons-heading = Lessons – touch one
xr-free-practice = Free practice
xr-record = Record a lesson (instructor)
xr-stop-record = Stop recording the lesson
xr-close = Close
xr-replay-heading = Replay { $time } / { $end } s  { $state }
xr-replay-playing = playing
xr-replay-paused = paused
xr-replay-play = Play
xr-replay-pause = Pause
xr-replay-frame-back = Frame back
xr-replay-frame-on = Frame on
xr-replay-next-event = Next event

## Names

tissue-air = air
tissue-skin = skin
tissue-fat = subcutaneous fat
tissue-muscle = muscle
tissue-supraspinous-ligament = supraspinous ligament
tissue-interspinous-ligament = interspinous ligament
tissue-ligamentum-flavum = ligamentum flavum
tissue-epidural-space = epidural space
tissue-dura = dura
tissue-csf = CSF
tissue-cauda-equina = cauda equina
tissue-bone = bone
tissue-disc = intervertebral disc

needle-tuohy-18g = Tuohy 18G (epidural)
needle-quincke-22g = Quincke 22G (spinal, cutting)
needle-quincke-25g = Quincke 25G (spinal, cutting)
needle-whitacre-25g = Whitacre 25G (spinal, pencil point)

procedure-lumbar-puncture = Lumbar puncture
procedure-spinal = Spinal anaesthesia
procedure-epidural = Lumbar epidural

position-left-lateral-decubitus = Left lateral decubitus
position-sitting = Sitting

approach-midline = Midline
approach-paramedian = Paramedian
