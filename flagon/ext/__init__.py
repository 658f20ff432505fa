"""Extensions that ship with flagon: ``flagon.ext.login`` (user sessions)."""
