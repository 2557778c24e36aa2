"""The site seam: what a Jira site Tandem can call and hear from must offer, whatever its door.

A *door* is one way a site is connected (Connect today; API-token sites and Forge Remote
next). It says how Tandem's calls to the site are signed and how the site's events are
verified; the engine sees only tenants and clients and never learns which door a site uses.
"""
