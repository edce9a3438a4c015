"""Privacy: one gate at every door into a project, and pseudonymised copies of source files.

`gate` is what every door (import, REFI-QDA, codebook load, memo, merge) passes its texts
through, and where the declared participant attributes live; `scan` finds personal data
(deduce, optional spaCy entities, a user's list of real names) in the normalised view
`normalise` gives; `anonymise` replaces it with stable placeholders such as [PERSOON-1].
"""
