"""Privacy: the anonymisation gate on import and pseudonymised copies of source files.

`scan` finds personal data (deduce, optional spaCy entities, a user's list of
real names); `anonymise` replaces it with stable placeholders such as [PERSOON-1].
"""
