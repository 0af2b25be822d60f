"""LTI 1.3 Advantage tool (optional app, ``pip install learnplat[lti]``).

Built on django-lti (``lti_tool``) and pylti1p3: learnplat keeps only what binds LTI to its
own rows (which course or task a resource link opens, the single-use launch codes the front
end trades for tokens, the nonces already spent). Install both apps and include the URLs::

    INSTALLED_APPS = [..., "lti_tool", "learnplat.lti"]
    LEARNPLAT = {"LTI": {"LAUNCH_REDIRECT": "https://app.example.com/lti/launch"}}

The URLs are mounted under ``lti/`` of ``learnplat.urls`` when the app is installed; the core
never imports this package. Settings read: ``LEARNPLAT["LTI"]`` (docs/lti.md, docs/settings.md).
"""
