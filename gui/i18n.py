"""The person's language: Greenget's translations and Qt's own, from the system locale."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gui.formatting import display_locale
from gui.icons import RESOURCES

log = logging.getLogger(__name__)

TRANSLATIONS = RESOURCES / "translations"
CATALOGUE = "greenget"  # resources/translations/greenget_<locale>.qm


def install_translators(app: QCoreApplication, locale: QLocale | None = None) -> list[str]:
    """Load the translations for ``locale`` (default: the system's, from
    ``LANG``/``LC_*``) into ``app``; returns the files loaded.  English needs
    none: it is the language of the source."""
    locale = locale or QLocale()
    QLocale.setDefault(display_locale())  # what %Ln and the table's numbers follow
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded: list[str] = []
    for name, folder in ((CATALOGUE, str(TRANSLATIONS)), ("qtbase", qt_folder)):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", folder):
            app.installTranslator(translator)
            loaded.append(translator.filePath())
    log.info("language %s; translations: %s", locale.name(), loaded or "none")
    return loaded
