# Los textos del simulador en español. Mismos ids que en.ftl (las pruebas lo comprueban); los
# números llegan ya formateados con coma decimal (Texts::number).

## Bienvenida

welcome-title = Le damos la bienvenida a Neuraxis
welcome-subtitle = Acceso raquídeo con aguja sobre un gemelo digital de la columna lumbar
welcome-handle-label = Alias del residente
welcome-handle-why = Use un alias, no su nombre: sus intentos se guardan con él, y así el programa sigue su progreso sin conservar datos personales.
welcome-handle-placeholder = p. ej., residente-07
welcome-handle-invalid = No se puede usar este alias: { $reason }
welcome-handle-empty = escriba primero un alias
welcome-handle-too-long = como máximo { $max } caracteres
welcome-handle-characters = use solo letras, cifras, «-», «_», «.» o «@»: sin espacios y nunca un nombre real
welcome-handle-bad-character = no se puede usar «{ $character }»
welcome-continue = Continuar
welcome-tutorial-offer = ¿Es la primera vez? Un breve tutorial enseña los controles sobre el bloque de práctica, paso a paso.
welcome-start-tutorial = Empezar el tutorial
welcome-skip-tutorial = Ir a las lecciones
welcome-language = Idioma

## Tutorial

tutorial-title = Tutorial: los controles
tutorial-progress = Paso { $done } de { $total }
tutorial-step-orbit = Gire la vista: arrastre con el botón izquierdo del ratón.
tutorial-step-aim = Oriente la aguja: mantenga Ctrl y arrastre, o use las flechas.
tutorial-step-advance = Avance la aguja: mantenga W para entrar y S para retroceder.
tutorial-step-stylet = Retire el fiador: pulse T (se coloca la jeringa de pérdida de resistencia).
tutorial-step-syringe = Presione el émbolo: mantenga la barra espaciadora y note la resistencia de la jeringa.
tutorial-step-done = Hecho
tutorial-complete = Ya conoce los controles. Elija una lección para empezar.
tutorial-skip = Saltar el tutorial

## Lecciones

browser-title = Lecciones
browser-subtitle = Elija una lección o practique libremente
browser-free-practice = Práctica libre
browser-free-practice-detail = Cualquier aguja sobre el gemelo actual, sin pasos ni puntuación.
browser-objectives = Objetivos
browser-needle = Aguja: { $needle }
browser-position = Posición: { $position }
browser-procedure = Procedimiento: { $procedure }
browser-interspace = Espacio intervertebral: { $interspace }
browser-approach = Abordaje: { $approach }
browser-twin = Paciente: { $twin }
browser-expected-time = Unos { $minutes } min
browser-attempts =
    { $count ->
        [0] Sin intentos todavía
        [one] { $count } intento
       *[other] { $count } intentos
    }
browser-best = Mejor: { $percent } %
browser-last = Último: { $percent } % el { $date }
browser-never-tried = Aún sin intentar
browser-unavailable = No disponible: { $reason }
browser-twin-not-built = su gemelo no está construido
browser-build-command = Constrúyalo con: { $command }
browser-start = Empezar
browser-keys-hint = ← ↑ → ↓ elegir · Intro empezar · o haga clic en una tarjeta
browser-assigned = Asignada a usted
browser-due = Fecha límite: { $date }
browser-overdue = Vencida desde el { $date }

## Ayuda

help-title = Teclas y gestos
help-close = Pulse ? o H de nuevo para cerrar
help-group-view = Vista
help-group-needle = Aguja
help-group-syringe = Fiador y jeringa
help-group-lessons = Lecciones
help-group-recording = Grabar una lección
help-group-headset = En el visor
help-group-replay = Reproducción

help-orbit-keys = arrastrar con el botón izquierdo
help-orbit = girar la vista alrededor de la espalda del paciente
help-pan-keys = arrastrar con el botón derecho o central
help-pan = desplazar la vista
help-zoom-keys = rueda
help-zoom = acercar o alejar
help-reset-view-keys = R
help-reset-view = volver a la vista del operador
help-toggle-skin-keys = K
help-toggle-skin = mostrar u ocultar la piel
help-advance-keys = W / S (Mayús: más rápido)
help-advance = avanzar / retirar la aguja
help-tilt-keys = flechas
help-tilt = inclinar la aguja hacia la cabeza o los pies, a la izquierda o a la derecha
help-move-entry-keys = A / D, Q / E
help-move-entry = mover el punto de entrada a los lados, arriba o abajo por la espalda
help-place-entry-keys = Ctrl + clic en la espalda
help-place-entry = poner ahí el punto de entrada (con la aguja fuera de la piel)
help-aim-drag-keys = Ctrl + arrastrar
help-aim-drag = orientar: hacia arriba inclina la punta hacia la cabeza, a la derecha hacia la derecha del paciente
help-fine-advance-keys = Ctrl + rueda
help-fine-advance = avanzar / retirar 1 mm por muesca
help-stylet-keys = T
help-stylet = retirar el fiador (se coloca la jeringa de pérdida de resistencia) o volver a ponerlo
help-plunger-keys = Espacio (mantener)
help-plunger = presionar el émbolo de la jeringa
help-fluid-keys = F
help-fluid = suero salino o aire en la jeringa
help-next-needle-keys = N
help-next-needle = siguiente aguja: Tuohy 18G, Quincke 22G y 25G, Whitacre 25G
help-bevel-keys = B
help-bevel = girar el bisel un cuarto de vuelta (cefálico, derecha, caudal, izquierda)
help-new-attempt-keys = Retroceso
help-new-attempt = nuevo intento
help-lessons-keys = M
help-lessons = las lecciones
help-confirm-step-keys = Intro
help-confirm-step = confirmar un paso de la lección que espera su confirmación
help-help-keys = ?, H o F1
help-help = esta ayuda
help-settings-keys = F10
help-settings = ajustes
help-quit-keys = Esc
help-quit = salir (antes cierra la pantalla abierta)
help-chip = ? o H: teclas y gestos · F10: ajustes

help-record-lesson-keys = F9
help-record-lesson = empezar o detener la grabación de una lección (instructor)
help-annotate = durante la grabación: dibujar, rotular, poner marcas y capítulos sobre el gemelo
help-annotate-draw-keys = A + arrastrar
help-annotate-draw = dibujar sobre el gemelo
help-annotate-label-keys = L
help-annotate-label = escribir el rótulo de la próxima marca
help-annotate-pin-keys = P + clic
help-annotate-pin = poner una marca sobre el gemelo
help-annotate-chapter-keys = C
help-annotate-chapter = empezar un capítulo

help-headset-take-keys = pinza en el pabellón
help-headset-take = tomar la aguja (pulgar e índice en el pabellón o las aletas)
help-headset-move-keys = mover la mano
help-headset-move = la aguja sigue a la muñeca; el tejido ofrece resistencia
help-headset-release-keys = abrir la pinza
help-headset-release = soltar; la aguja se queda donde está
help-headset-stylet-keys = la otra mano hace pinza en el pabellón
help-headset-stylet = retirar el fiador o volver a ponerlo
help-headset-plunger-keys = flexionar el otro pulgar
help-headset-plunger = presionar el émbolo de la jeringa
help-headset-place-patient-keys = ambas manos cerradas
help-headset-place-patient = mover y girar la camilla con el paciente
help-headset-lessons-keys = yema del dedo en Lecciones
help-headset-lessons = abrir la lista de lecciones y pulsar una fila
help-headset-draw-keys = pinza lejos de la aguja
help-headset-draw = durante la grabación: dibujar en el aire
help-headset-controllers-keys = agarre, gatillo
help-headset-controllers = con mandos: el agarre toma la aguja, el gatillo del otro mando presiona el émbolo

## Ajustes

settings-title = Ajustes
settings-trainee = Alias del residente
settings-sessions-folder = Carpeta de sesiones
settings-recording = Grabar los intentos
settings-on = Sí
settings-off = No
settings-audio-input = Micrófono
settings-audio-output = Altavoces
settings-default-device = Predeterminado del sistema
settings-headset-mode = Visor
settings-headset-auto = Automático
settings-headset-on = Siempre
settings-headset-off = Nunca (solo escritorio)
settings-text-scale = Tamaño del texto
settings-palette = Colores
settings-theme-dark = Oscuro
settings-theme-light = Claro
settings-language = Idioma
settings-saved = Guardado en { $path }
settings-close = Cerrar
settings-keys-hint = ↑ ↓ elegir · ← → cambiar · Esc cerrar

## Puntuación

score-title = Resultado del intento
score-passed = Superado
score-not-passed = No superado
score-end-target = Objetivo alcanzado
score-end-withdrawn = Aguja retirada
score-summary = Puntuación { $points } de { $max } ({ $percent } %, mínimo para aprobar { $pass } %)
score-criteria = Criterios
score-failed-criterion = No cumplido: { $criterion }
score-item-target = Objetivo
score-item-attempts = Punciones cutáneas
score-item-redirections = Redirecciones
score-item-safety = Seguridad
score-item-time = Tiempo
score-item-trajectory = Trayectoria
score-points = { $points } / { $max }
score-replay = Ver la reproducción
score-retry = Repetir
score-next = Siguiente lección
score-plot-depth = Profundidad (mm)
score-plot-force = Fuerza (N)
score-plot-time = Tiempo (s)

## Lectura y corte

readout-needle = Aguja
readout-tip = Punta
readout-depth = Profundidad
readout-force = Fuerza
readout-depth-value = { $depth } mm
readout-force-value = { $force } N
readout-stylet-in = fiador puesto
readout-stylet-out = fiador retirado
readout-syringe-off = sin jeringa
readout-syringe-resisting = jeringa de { $fluid }: resiste
readout-syringe-gives = jeringa de { $fluid }: cede
readout-bevel = bisel { $direction }
bevel-cephalad = cefálico
bevel-right = a la derecha
bevel-caudal = caudal
bevel-left = a la izquierda
fluid-saline = suero salino
fluid-air = aire
readout-legend = Tejidos
readout-events = Eventos
section-title = Corte sagital en la punta
section-orientation = la espalda del paciente a la derecha, la cabeza arriba
section-scale = { $mm } mm
section-needle = aguja
section-ligaments = ligamentos

## Hechos de la aguja

fact-skin-punctured = piel perforada
fact-layer-entered = { $tissue } a { $depth } mm
fact-membrane-gave = { $tissue } cede (caída de { $drop } N)
fact-membrane-pierced = atraviesa { $tissue }
fact-bone = HUESO: { $level } a { $depth } mm
fact-loss-of-resistance = PÉRDIDA DE RESISTENCIA a { $depth } mm ({ $tissue })
fact-dura-punctured = duramadre perforada a { $depth } mm
fact-csf = LCR en el pabellón
fact-wet-tap = LCR en el pabellón: PUNCIÓN DURAL ACCIDENTAL
fact-paresthesia = parestesia a { $depth } mm
fact-withdrawn = aguja retirada
fact-redirected = redirigida { $angle }°

## Panel de la lección y menú

lesson-panel-title = { $title }
lesson-panel-confirm-hint = Intro: confirmar el paso
lesson-panel-new-attempt-hint = Retroceso: nuevo intento
lesson-step-done = hecho
lesson-step-current = ahora
lesson-step-pending = pendiente
lesson-step-number = Paso { $number } de { $total }
menu-hint = M: lecciones · ? ayuda
menu-title = Lecciones – pulse un número (M cierra)

## Reproducción

replay-playing = REPRODUCIENDO
replay-paused = EN PAUSA
replay-status = { $state }  { $time } s / { $end } s   velocidad { $speed }×   vista: { $view }
replay-view-eyes = ojos del residente (V para orbitar)
replay-view-orbit = órbita (V para los ojos del residente)
replay-legend = Profundidad 0–{ $depth } mm (abajo) | fuerza 0–{ $force } N (arriba) | bandas: tejido en la punta
replay-events = Eventos
replay-no-events = (no se registraron eventos)
replay-track = { $label } ({ $role }, lección { $lesson }, gemelo { $twin })
replay-role-trainee = residente
replay-role-instructor = instructor
replay-saved-view = vista guardada en { $path }
replay-help-play = Espacio reproducir/pausa
replay-help-speed = −/+ velocidad
replay-help-step = ←/→ fotograma (Mayús: 10)
replay-help-scrub = haga clic o arrastre en la barra para desplazarse
replay-help-events = N/B evento siguiente/anterior
replay-help-chapters = AvPág/RePág capítulos
replay-help-eyes = V ojos del residente
replay-help-save = E guardar imagen
replay-help-view = arrastrar orbita, rueda acerca, R restablece
replay-help-quit = Esc salir
replay-event-lesson-step = Paso { $number } de la lección: { $step }
replay-event-chapter = Capítulo: { $title }
replay-event-pin = Marca: { $label }
replay-event-stroke = Trazo ({ $points } puntos)
replay-event-skin-punctured = Piel perforada
replay-event-entered = Entra en { $tissue }
replay-event-went-through = Atraviesa { $tissue }
replay-event-bone = Contacto óseo ({ $level })
replay-event-loss-of-resistance = Pérdida de resistencia a { $depth } mm
replay-event-dura-punctured = Duramadre perforada a { $depth } mm
replay-event-csf = Reflujo de LCR
replay-event-paresthesia = Parestesia
replay-event-withdrawn = Aguja retirada
replay-event-redirected = Redirigida { $angle }°

## Panel y lista de lecciones del visor

xr-take-needle = Haga pinza en el pabellón de la aguja para tomarla
xr-tip = Punta: { $tissue }
xr-depth-force = Profundidad { $depth } mm   Fuerza { $force } N
xr-free-practice-hint = Práctica libre: toque Lecciones abajo para elegir una
xr-lessons-button = Lecciones
xr-lessons-heading = Lecciones – toque una
xr-free-practice = Práctica libre
xr-record = Grabar una lección (instructor)
xr-stop-record = Detener la grabación de la lección
xr-close = Cerrar
xr-replay-heading = Reproducción { $time } / { $end } s  { $state }
xr-replay-playing = en curso
xr-replay-paused = en pausa
xr-replay-play = Reproducir
xr-replay-pause = Pausa
xr-replay-frame-back = Fotograma atrás
xr-replay-frame-on = Fotograma adelante
xr-replay-next-event = Siguiente suceso

## Nombres

tissue-air = aire
tissue-skin = piel
tissue-fat = grasa subcutánea
tissue-muscle = músculo
tissue-supraspinous-ligament = ligamento supraespinoso
tissue-interspinous-ligament = ligamento interespinoso
tissue-ligamentum-flavum = ligamento amarillo
tissue-epidural-space = espacio epidural
tissue-dura = duramadre
tissue-csf = LCR
tissue-cauda-equina = cola de caballo
tissue-bone = hueso
tissue-disc = disco intervertebral

needle-tuohy-18g = Tuohy 18G (epidural)
needle-quincke-22g = Quincke 22G (raquídea, biselada)
needle-quincke-25g = Quincke 25G (raquídea, biselada)
needle-whitacre-25g = Whitacre 25G (raquídea, punta de lápiz)

procedure-lumbar-puncture = Punción lumbar
procedure-spinal = Anestesia raquídea
procedure-epidural = Epidural lumbar

position-left-lateral-decubitus = Decúbito lateral izquierdo
position-sitting = Sedestación

approach-midline = Línea media
approach-paramedian = Paramedial
