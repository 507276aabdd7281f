"Package metadata, read from settings.ini (nbdev 2 layout; no pkg_resources)."
from configparser import ConfigParser
from pathlib import Path
import re, setuptools

cfg = ConfigParser(delimiters=['='])
cfg.read(Path(__file__).parent/'settings.ini', encoding='utf-8')
cfg = cfg['DEFAULT']

for k in 'version description keywords author author_email license lib_name user min_python'.split():
    assert k in cfg, f'settings.ini is missing `{k}`'

licenses = {'apache2': 'Apache-2.0'}  # SPDX expressions (license classifiers are deprecated)
statuses = ['1 - Planning', '2 - Pre-Alpha', '3 - Alpha', '4 - Beta', '5 - Production/Stable', '6 - Mature', '7 - Inactive']
py_versions = '3.10 3.11 3.12 3.13'.split()
lic = licenses[cfg['license'].lower()]
min_python = cfg['min_python']
requirements = cfg.get('requirements', '').split()
# `extras_<name> = ...` keys are the extras `freeze-align[<name>]`; `[dev]` is the dev stack plus every extra
extras = {k[len('extras_'):]: v.split() for k, v in cfg.items() if k.startswith('extras_')}
extras['dev'] = cfg.get('dev_requirements', '').split() + sorted({r for v in extras.values() for r in v})
readme = Path(__file__).parent/'README.md'
# drop markdown image links that only resolve inside the repo from the PyPI description
long_description = re.sub(r'!\[[^\]]*\]\((?!https?://)[^)]*\)', '', readme.read_text(encoding='utf-8')) if readme.exists() else cfg['description']

setuptools.setup(
    name=cfg['repo'],
    version=cfg['version'],
    license=lic,
    classifiers=['Development Status :: ' + statuses[int(cfg['status'])],
                 'Intended Audience :: ' + cfg['audience'].title(),
                 'Natural Language :: ' + cfg['language'].title(),
                 'Topic :: Scientific/Engineering :: Artificial Intelligence'] +
                ['Programming Language :: Python :: ' + v for v in py_versions[py_versions.index(min_python):]],
    url=cfg['git_url'],
    packages=setuptools.find_packages(include=[cfg['lib_name'], cfg['lib_name'] + '.*']),
    include_package_data=True,
    install_requires=requirements,
    extras_require=extras,
    python_requires='>=' + min_python,
    long_description=long_description,
    long_description_content_type='text/markdown',
    zip_safe=False,
    author=cfg['author'], author_email=cfg['author_email'],
    description=cfg['description'],
    keywords=cfg['keywords'],
    entry_points={'console_scripts': cfg.get('console_scripts', '').split(),
                  'nbdev': [f"{cfg['lib_name']}={cfg['lib_name']}._modidx:d"]},
)
